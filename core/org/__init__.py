"""The organization: the unit tree and scope, unit registration, parent links, reporting paths, review authority, unit admin work."""
