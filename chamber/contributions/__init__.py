"""Contributions: work members give their committees, approved by the committee's leads."""
