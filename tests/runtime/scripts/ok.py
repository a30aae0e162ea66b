"""Prints its arguments, working directory and interpreter, then exits 0."""

import os
import sys

print("args:", " ".join(sys.argv[1:]))
print("cwd:", os.getcwd())
print("python:", sys.executable)
print("a warning", file=sys.stderr)
