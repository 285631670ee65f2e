"""one-to-ones feature."""
