"""Relationships: ties between members derived from shared work (never typed in), their
strength over time, connection chains, warm introductions and network pictures."""
