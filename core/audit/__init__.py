"""The append-only, hash-chained audit trail and the command that verifies it."""
