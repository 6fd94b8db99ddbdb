"""Workspace: 单位账号管理 / Unit accounts (enable, disable, unlock, one-time password reset)."""
from ui.accounts import render

render()
