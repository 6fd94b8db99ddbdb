"""Workspace: 组织机构管理 (issue 6)."""
from ui.org_admin import render

render()
