"""Workspace: 公示管理 / Committee publicities (failed-review, candidate, result lists): the inbox with
the engine's actions, plus new publicity and publicity batches (ui.committee_publicity)."""
from ui import committee_publicity
from ui.i18n import tr
from ui.workspace import render

render("committee_publicity", tabs={tr("publicity.tab.create"): committee_publicity.create_tab,
                                    tr("publicity.tab.batches"): committee_publicity.batches_tab})
