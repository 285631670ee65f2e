"""portal feature."""
