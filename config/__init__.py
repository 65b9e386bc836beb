import os

# OpenMP threads that spin while waiting collapse torch's CPU throughput as soon as another
# process shares the cores (measured in bench/indexing.py: 7 vs 25 images/s); wait passively.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
