"""Declaration modules (education, qualifications, ...) and which ones a committee requires (004)."""
from __future__ import annotations

from typing import Any

MODULES = ("education", "qualification", "work_history", "achievement", "work_summary",
           "unit_publicity_proof", "other", "supplement")
DEFAULT_REQUIRED = {
    "review": ("education", "qualification", "work_history", "achievement", "work_summary"),
    "initial_determination": ("education", "work_history", "work_summary"),
}


def required_modules(flow: str, committee: Any | None) -> tuple[str, ...]:
    """The committee's configured modules when it has any, else the flow's defaults."""
    configured = tuple(getattr(committee, "required_modules", None) or ())
    return configured or DEFAULT_REQUIRED[flow]
