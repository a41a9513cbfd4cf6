"""Output formats: one module per `--format`."""
