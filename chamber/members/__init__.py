"""members feature."""
