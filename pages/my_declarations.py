"""Workspace: 我的申报 / My declarations (inbox, dossier, the engine's actions) via ui.workspace."""
from ui.workspace import render

render("my_declarations")
