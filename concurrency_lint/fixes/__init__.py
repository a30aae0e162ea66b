"""Fixes that need more than one edit: the loop rewrite of CL101 / CL102."""
