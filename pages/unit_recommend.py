"""Workspace: 单位推荐上报 / Unit recommendation (operator, unit proof, report or own committee; paths)."""
from ui.unit_recommend import render

render()
