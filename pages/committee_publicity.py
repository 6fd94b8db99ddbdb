"""Workspace: 公示管理 / Publicities (inbox, dossier, the engine's actions) via ui.workspace."""
from ui.workspace import render

render("committee_publicity")
