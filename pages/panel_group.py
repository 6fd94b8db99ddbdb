"""Workspace: 小组管理 / Group management (the group leader distributes, starts the review, runs the group vote)."""
from ui.panel_group import render

render()
