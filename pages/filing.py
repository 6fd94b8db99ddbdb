"""Workspace: 评审工作备案 / Evaluation filing (inbox, dossier, the engine's actions) via ui.workspace."""
from ui.workspace import render

render("filing")
