"""Workspace: 评委会管理 / Panel management (sessions, setup and drawing, attendance, blind-review
opinions, the committee vote and tally, results) for the committee unit's operator."""
from ui.panel_admin import render

render()
