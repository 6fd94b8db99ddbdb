"""Statistics for dashboards (in SQL), audited and masked exports, and the audit log as admins read it."""
