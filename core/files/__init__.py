"""The content-addressed file store for evidence and letters."""
