"""stream.events package."""
