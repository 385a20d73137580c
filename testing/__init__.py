"""Servers, generators and corpora shared by tests/ and bench/ (neither imports the other)."""
