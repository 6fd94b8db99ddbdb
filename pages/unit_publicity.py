"""Workspace: 申报公示 / Unit publicity (inbox, dossier, the engine's actions) via ui.workspace."""
from ui.workspace import render

render("unit_publicity")
