"""stream.emulator package."""
