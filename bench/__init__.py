"""Benchmarks of the store, each runnable as ``python -m bench.<name>`` (docs/BENCHMARKS.md).

retrieval  R@K of the production model beside its baselines (in memory, and the store's SQL path)
serving    latency and throughput of POST /api/v1/recommendations/ over HTTP (gunicorn)
scale      pgvector HNSW at 100k-1M vectors, vector vs halfvec, filters, vs exact search
indexing   images/s of the store's embedding path vs the raw CNN
gpu_check  one short check of the CUDA path (for a session lent a GPU)

``bench.harness`` holds what they share: Django setup, scratch databases, timing, tables, and the
JSON and plot writers. The benchmarks use the store only through its public modules; the store
never imports them (an import-linter contract in pyproject.toml).
"""
