"""Command-line subcommands; the top layer, free to import every package."""
