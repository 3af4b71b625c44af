"""stream.delivery package."""
