"""Writes two lines to stderr and exits with code 3."""

import sys

print("some output")
print("working...", file=sys.stderr)
print("boom: the input was bad", file=sys.stderr)
sys.exit(3)
