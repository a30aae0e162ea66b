"""conclint: a static linter for Python concurrency anti-patterns."""

__version__ = "0.1.0"
