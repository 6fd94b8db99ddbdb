"""Workspace: 投票表决 / Voting (the group's and the committee's open votes the expert takes part in)."""
from ui.panel_vote import render

render()
