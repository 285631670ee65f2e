"""Referral pages: the member's (portal.py) and staff's (staff.py), one blueprint each."""
