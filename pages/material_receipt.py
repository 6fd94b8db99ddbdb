"""Workspace: 材料接收 / Material receipt (inbox, dossier, the engine's actions) via ui.workspace."""
from ui.workspace import render

render("material_receipt")
