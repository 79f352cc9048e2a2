"""Pages hosted by the main window, one per navigation entry."""
