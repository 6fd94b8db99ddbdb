"""Workspace: 统计分析 (issue 12)."""
from ui.analytics import render

render()
