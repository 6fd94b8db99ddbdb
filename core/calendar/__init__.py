"""China's working-day calendar for the publicity rule."""
