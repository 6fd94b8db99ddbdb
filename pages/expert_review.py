"""Workspace: 专家评审 / Expert review (the dossiers distributed to the expert: opinions, draft, final)."""
from ui.expert_review import render

render()
