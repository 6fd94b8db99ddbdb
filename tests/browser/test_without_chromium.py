"""Without Debian's chromium the browser tests cannot run: under CI=true that fails the run with a clear
message; elsewhere they skip and the summary says so. (No browser or server is started here.)"""
import pytest

from tests.browser import conftest as browser


def test_a_missing_chromium_fails_the_run_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(browser, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(browser, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true requires the browser tests to run"):
        browser._require_chromium()


def test_a_missing_chromium_skips_with_a_notice_outside_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(browser, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(browser, "IN_CI", False)
    monkeypatch.setattr(browser, "_skipped", [])
    with pytest.raises(pytest.skip.Exception, match="browser tests SKIPPED"):
        browser._require_chromium()
    assert browser._skipped == [f"chromium not found (looked for {tmp_path / 'no-chromium'})"]

