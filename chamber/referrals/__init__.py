"""Referrals: business one member passes to another, worked through a pipeline to its outcome."""
