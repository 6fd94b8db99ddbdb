"""What each workspace page asks for: workspace definitions, inboxes and work lists, the home page, login for the app shell; one transaction per call."""
