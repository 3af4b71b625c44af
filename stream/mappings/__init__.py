"""stream.mappings package."""
