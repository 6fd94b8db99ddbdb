"""The 统计分析 workspace (issue 12) in AppTest: it renders its charts, tables and exports for the roles that
have it, filters narrow it, a table row opens the declarations behind it, and nobody else reaches it."""
from __future__ import annotations

from core.common.i18n import t
from core.setup.demo import DEMO_PASSWORD
from tests.app.support import assert_ok, nav, sign_in, start

PAGE = "pages/analytics.py"


def open_page(login: str):
    at = sign_in(start(), login, DEMO_PASSWORD)
    at.switch_page(PAGE).run()
    assert_ok(at)
    return at


def test_the_city_manager_gets_charts_tables_exports_and_the_refresh_time(app_db):
    at = open_page("demo_city_hr")
    assert at.title[0].value == t("ws.analytics")
    assert [tab.label for tab in at.tabs] == [t(f"analytics.tab.{k}") for k in
                                              ("flow", "times", "overdue", "outcomes", "forecast")]
    captions = [c.value for c in at.caption]
    assert any(c.startswith(t("analytics.refreshed", at="", seconds=60)[:5]) for c in captions)
    assert any("北京时间" in c for c in captions)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # altair charts
    assert len(at.dataframe) >= 3
    exports = [b for b in at.get("download_button")]
    assert exports  # one per table with rows
    assert any(m.label == t("analytics.forecast_remaining") for m in at.metric)
    assert t("analytics.forecast_assumption", year="", days="", rate="")[:4] in "".join(i.value for i in at.info)


def test_filters_rerun_the_page(app_db):
    at = open_page("demo_prov_hr")
    at.selectbox(key="analytics.group").select("city").run()
    assert_ok(at)
    at.selectbox(key="analytics.outcome_group").select("committee").run()
    assert_ok(at)
    at.selectbox(key="analytics.period").select(365).run()
    assert_ok(at)
    regions = at.selectbox(key="analytics.region").options
    assert len(regions) > 2
    at.selectbox(key="analytics.region").set_value(at.selectbox(key="analytics.region").options[1]).run()
    assert_ok(at)


def test_the_committee_unit_and_the_unit_operator_have_it(app_db):
    for login in ("demo_committee_op", "demo_unit_op"):
        at = open_page(login)
        assert at.title[0].value == t("ws.analytics")
        assert not at.error


def test_an_applicant_never_reaches_it(app_db):
    at = sign_in(start(), "demo_applicant", DEMO_PASSWORD)
    assert "analytics" not in nav(at)
