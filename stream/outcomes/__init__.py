"""stream.outcomes package."""
