"""Writes several MiB to stdout and stderr, interleaved, then exits 0."""

import sys

line = "x" * 1023 + "\n"
for _ in range(6 * 1024):  # 6 MiB on stdout
    sys.stdout.write(line)
    if _ % 2 == 0:
        sys.stderr.write(line)  # 3 MiB on stderr
sys.stdout.flush()
sys.stderr.write("last line on stderr\n")
