"""Committee meetings and chamber-wide events, attendance, and calendar feeds."""
