"""What each workspace page asks for: workspace definitions, inboxes and work lists, one transaction per call."""
