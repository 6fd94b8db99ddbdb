"""Workspace: 材料接收 / Material receipt (accept to policy review, refuse back to the HR bureau,
terminate) via ui.workspace; plus 撤回材料."""
from ui import worktabs
from ui.i18n import tr
from ui.workspace import render

render("material_receipt", export=True,
       tabs={tr("tab.withdraw"): lambda actor: worktabs.withdraw_tab("material_receipt", actor)})
