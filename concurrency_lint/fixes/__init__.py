"""Fixes: building them (CST and text edits, the loop rewrite, the pool swap) and, in
:mod:`concurrency_lint.fixes.apply`, applying them to files."""
