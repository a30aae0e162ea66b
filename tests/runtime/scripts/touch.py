"""Creates the file named by argv[1]."""

import sys

with open(sys.argv[1], "w", encoding="ascii") as handle:
    handle.write("ran")
