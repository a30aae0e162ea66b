"""Data, not logic: which calls do which kind of I/O, which take a timeout and where."""
