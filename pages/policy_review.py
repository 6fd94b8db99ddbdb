"""Workspace: 政策性审查 / Policy review (inbox, dossier, the engine's actions) via ui.workspace."""
from ui.workspace import render

render("policy_review")
