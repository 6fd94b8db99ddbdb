"""Bringing a server up: migrations and secrets at start, production provisioning, the demo province."""
