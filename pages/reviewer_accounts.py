"""Workspace: 政策性审查账号 / Policy reviewer accounts (create, edit before first use, enable/disable)."""
from ui.reviewer_accounts import render

render()
