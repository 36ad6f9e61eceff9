"""Sample data: the sample foundation's story (story.py) and large databases for benchmarks (scaled.py)."""
