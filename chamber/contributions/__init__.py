"""contributions feature."""
