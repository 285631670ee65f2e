"""Referral reporting: the chain contribution → relationship → referral, in numbers and charts,
for staff (the chamber), committee leads (their committee) and members (themselves)."""
