"""Workspace: 上级单位审核流转 / Relay (approve, reject one step back, terminate, assign a committee at the
top) via ui.workspace; plus reporting-path applications to decide and 撤回材料."""
from ui import worktabs
from ui.i18n import tr
from ui.report_paths_view import incoming_paths
from ui.workspace import render

render("relay", export=True, tabs={tr("tab.paths"): lambda actor: incoming_paths("relay", actor),
                                   tr("tab.withdraw"): lambda actor: worktabs.withdraw_tab("relay", actor)})
