"""Workspace: 政策性审查 / Policy review: the reviewer's scope (inbox, dossier, initial review, recheck,
re-examination, withdraw — the engine's actions via ui.workspace) and the initial-review records."""
from ui import policy_review
from ui.i18n import tr
from ui.workspace import render

render("policy_review", tabs={tr("review.tab.initial"): policy_review.initial_tab})
