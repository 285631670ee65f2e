"""Committees, their rosters and roles, join requests, and the lead's manage area."""
