"""Reading sources: discovery, decoding, Markdown blocks, syntax check, pruning, parsing."""
