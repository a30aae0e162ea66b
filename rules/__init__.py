"""conclint's rules: one rule class per module, named ``clNNN_<rule_name>.py``."""
