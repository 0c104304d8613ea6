"""Benchmarks: what an article costs and how the cost grows with the archive (``make bench``)."""
