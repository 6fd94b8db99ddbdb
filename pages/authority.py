"""Workspace: 评审权备案 (issue 6)."""
from ui.authority import render

render()
