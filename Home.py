"""Entry point: page config, language, login, context picker and the role-built navigation (ui.shell)."""
from ui.shell import run

run()
