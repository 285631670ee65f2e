"""Outgoing e-mail: the outbox table and its delivery."""
