"""The project model: per-module summaries, import resolution across the project."""
