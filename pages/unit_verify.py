"""Workspace: 单位内部核验 / Unit verification (inbox, dossier, the engine's actions) via ui.workspace."""
from ui.workspace import render

render("unit_verify")
