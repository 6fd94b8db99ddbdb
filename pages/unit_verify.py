"""Workspace: 单位内部核验 / Unit verification (status lists, batch approve, dossier, returns, withdraw)."""
from ui.unit_verify import render

render()
