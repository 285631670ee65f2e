"""One-to-ones: two members met; one logs it, the other confirms."""
