"""Online panel review (线上评审, 001 §6.2.10): sessions, the replayable expert drawing, attendance,
distribution, expert reviews, secret ballots, the tally and its decision table, the chair's console.

The session and its groups are machines of the one engine (core.machines.panel); every status change
goes through core.workflow.perform. Rule numbers live in :mod:`core.panel.rules`.
"""
