"""stream.hubspot package."""
