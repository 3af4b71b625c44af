"""stream.metrics package."""
