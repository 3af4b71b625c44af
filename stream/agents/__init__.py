"""stream.agents package."""
