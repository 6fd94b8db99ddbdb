"""The working-day calendar: which days count for the publicity rule (rules.md: ≥ 5 working days).

Every year's holidays and make-up working days (调休) live in the database (``db.models.calendar``).
Years the ``chinese-calendar`` package knows are seeded from it as official; later years are filled
provisionally from the ``holidays`` package's rules, so a publicity is never refused for want of a
calendar; the provincial HR bureau's admin enters or confirms the State Council's schedule when it
is published (``core.calendar.admin``). ``workdays`` does the arithmetic on a loaded range,
``store`` loads and fills years, ``service`` answers the publicity code's questions in a session.
"""
