"""Workspace: 申报公示 / Unit publicity (create, publish, edit, objections, complete after the end)."""
from ui.unit_publicity import render

render()
