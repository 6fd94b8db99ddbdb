"""The append-only, hash-chained audit trail (trail) and the scoped view admins read (view)."""
