"""公示公开 / The public portal: running public notices, searchable; objections by anyone. No login."""
from ui.portal import render

render()
