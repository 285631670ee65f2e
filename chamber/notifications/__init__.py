"""In-app notifications and each member's e-mail choices."""
