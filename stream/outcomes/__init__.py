"""Outcome records and their encoding."""
