"""Who someone is: people, accounts, passwords, login sessions and the role-exclusion rule."""
