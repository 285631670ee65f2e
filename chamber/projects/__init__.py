"""A committee's community projects and their volunteer shifts."""
