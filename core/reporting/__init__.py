"""Statistics for dashboards (in SQL) and audited, masked exports."""
