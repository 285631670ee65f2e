"""committees feature."""
