"""Workspace: 单位推荐上报 / Unit recommendation (inbox, dossier, the engine's actions) via ui.workspace."""
from ui.workspace import render

render("unit_recommend")
