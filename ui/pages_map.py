"""Where each workspace lives in the UI: its page file and its menu icon (UI facts, kept out of core)."""
from __future__ import annotations

ICONS: dict[str, str] = {
    "my_declarations": ":material/description:",
    "unit_verify": ":material/fact_check:",
    "unit_publicity": ":material/campaign:",
    "unit_recommend": ":material/outbox:",
    "relay": ":material/swap_vert:",
    "material_receipt": ":material/move_to_inbox:",
    "policy_review": ":material/policy:",
    "committee_publicity": ":material/campaign:",
    "panel_admin": ":material/groups:",
    "panel_console": ":material/monitoring:",
    "panel_group": ":material/group_work:",
    "expert_review": ":material/rate_review:",
    "panel_vote": ":material/how_to_vote:",
    "filing": ":material/inventory:",
    "unit_accounts": ":material/manage_accounts:",
    "org_admin": ":material/account_tree:",
    "authority": ":material/verified:",
    "audit_log": ":material/history:",
    "calendar": ":material/calendar_month:",
    "reviewer_accounts": ":material/badge:",
    "analytics": ":material/analytics:",
}


def page_file(workspace_id: str) -> str:
    """The page file of a workspace, relative to the app root (``st.Page`` and ``st.page_link`` take it)."""
    return f"pages/{workspace_id}.py"


def icon(workspace_id: str) -> str:
    return ICONS.get(workspace_id, ":material/article:")
