"""Workspace: 审计日志 (issue 6)."""
from ui.audit_log import render

render()
