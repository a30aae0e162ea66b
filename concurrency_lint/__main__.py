"""``python -m concurrency_lint`` entry point."""

from concurrency_lint.cli import main

if __name__ == "__main__":
    main()
