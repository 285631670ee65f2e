"""meetings feature."""
