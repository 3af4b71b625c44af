"""Time-boxed fuzzing of parsing, triggers and rendering (FUZZ_SECONDS; `make fuzz`)."""
