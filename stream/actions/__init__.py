"""stream.actions package."""
