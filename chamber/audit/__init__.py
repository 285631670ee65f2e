"""The audit log: who did what to which object, and the staff page that lists it."""

from chamber.audit.labels import init_app

__all__ = ["init_app"]
