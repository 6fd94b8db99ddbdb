"""Workspace: 上级单位审核流转 / Relay and approval (inbox, dossier, the engine's actions) via ui.workspace."""
from ui.workspace import render

render("relay")
