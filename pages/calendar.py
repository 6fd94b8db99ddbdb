"""Workspace: 工作日历 (issue 9)."""
from ui.calendar_admin import render

render()
