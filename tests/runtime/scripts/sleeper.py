"""Writes its pid to the file named by argv[1], then sleeps for argv[2] seconds."""

import os
import sys
import time

with open(sys.argv[1], "w", encoding="ascii") as handle:
    handle.write(str(os.getpid()))
print("sleeping", flush=True)
time.sleep(float(sys.argv[2]))
