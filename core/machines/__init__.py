"""Every process with a status, declared as data (core.machines.spec); the engine is core.workflow.

``ALL`` lists the machines the engine runs. Next to convert, by the same recipe (declare the machine
here, register its guards, give core.workflow_store an adapter): the evaluation filing (``FilingRecord.status`` draft → submitted → approved /
rejected), the certificate request and the expert-library filing.
"""
from __future__ import annotations

from core.machines import (authority, binding, calendar_year, declaration, objection, panel, publicity,
                           report_path, unit_link, unit_registration)
from core.machines.spec import Machine

ALL: tuple[Machine, ...] = (
    *declaration.MACHINES, publicity.MACHINE, authority.MACHINE, report_path.MACHINE, binding.MACHINE,
    unit_registration.MACHINE, unit_link.MACHINE, objection.MACHINE, calendar_year.MACHINE,
    *panel.MACHINES,
)
