"""Workspace: 评审监控 / The chair's live console (quorum, review and vote progress, the tally)."""
from ui.panel_console import render

render()
