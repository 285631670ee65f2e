"""The landing page, the member dashboard and its panels, and the health check."""
