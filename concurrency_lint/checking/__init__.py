"""Checking: the rule framework, registry, selection, suppressions, the per-file pass, the scan and its cache."""
