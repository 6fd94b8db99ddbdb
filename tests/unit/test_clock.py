"""The app's one clock (core.common.config.now/today): set to a moment, it runs on from there; everything that
asks for "now" or "today" asks it, so no test depends on the day it runs."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.common import config

from core.desks import unit as unit_desk
from db.base import utcnow
from tests.conftest import TEST_NOW

ROOT = Path(__file__).resolve().parents[2]
CHINA = dt.timezone(dt.timedelta(hours=8))


def test_the_clock_shows_the_moment_it_was_set_to_and_runs_on(clock):
    moment = dt.datetime(2027, 10, 8, 9, 30, tzinfo=dt.timezone.utc)
    clock(moment)
    first = config.now()
    second = config.now()
    assert moment <= first <= second < moment + dt.timedelta(minutes=1)


def test_utcnow_and_every_today_come_from_the_app_clock(clock):
    clock(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.timezone.utc))  # already 1 January in China
    assert utcnow().date() == dt.date(2026, 12, 31)
    assert config.today() == unit_desk.today() == dt.date(2027, 1, 1)


def test_the_suite_runs_at_its_fixed_moment_whatever_the_machine_date():
    assert config.today() == TEST_NOW.astimezone(CHINA).date()
    assert TEST_NOW <= config.now() < TEST_NOW + dt.timedelta(hours=2)


def test_a_naive_moment_is_refused(clock):
    with pytest.raises(ValueError):
        clock(dt.datetime(2026, 9, 9, 10, 0))


def test_a_process_started_with_titles_clock_begins_at_that_moment():
    env = {**os.environ, "TITLES_CLOCK": "2027-02-03T10:00:00+08:00"}
    out = subprocess.run([sys.executable, "-c", "from core.common import config; print(config.now().isoformat())"],
                         cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    started = dt.datetime.fromisoformat(out.strip())
    moment = dt.datetime(2027, 2, 3, 2, 0, tzinfo=dt.timezone.utc)
    assert moment <= started < moment + dt.timedelta(minutes=1)
