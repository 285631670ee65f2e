"""mail feature."""
