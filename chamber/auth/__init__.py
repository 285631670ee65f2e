"""Signing in and out, passwords, invitations and password resets."""
