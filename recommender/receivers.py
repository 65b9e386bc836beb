"""Signal receivers: enqueue embedding of new or edited products (no logic here)."""
