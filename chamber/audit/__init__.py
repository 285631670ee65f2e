"""The audit log: who did what to which object, and the staff page that lists it."""
