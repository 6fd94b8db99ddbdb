"""The demo province: one call builds a realistic, fictional province (黔中省) for demonstrations.

HR bureaus, competent departments, committee organizers and employers with valid credit codes;
committees with review authority; an expert library; hundreds of applicants whose declarations sit
in every state of both flows, each moved there through the workflow engine with a coherent,
timestamped history. Demo accounts (one memorable login per role) use the demo password, which
works only while demo mode is on.

    build_demo_province(session, seed=2026, applicants=320, today=None, now=None) -> DemoSummary
    ensure_demo_data(engine, today=None) -> bool  # first start on an empty database, demo mode only
    list_demo_accounts(session) -> list[dict]     # for the login page, demo mode only
    python -m core.setup.demo [--reset] [--today DATE]    # migrate and build from the command line

The demo is built relative to "today" (default: ``core.common.config.today()``, the app's clock), so the
same seed and day always give the same province.
"""
from core.setup.demo.accounts import DEMO_LOGINS, DEMO_PASSWORD, list_demo_accounts
from core.setup.demo.build import DemoSummary, build_demo_province, ensure_demo_data, summarize

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DemoSummary", "build_demo_province", "ensure_demo_data",
           "list_demo_accounts", "summarize"]
