"""A model version's life, retrain request to active version, and the staff's tools around it.

- ``versions``: the one writer of a version's status (``TRANSITIONS``): claim, progress, trained,
  ready, activate, roll back, fail, discard.
- ``retrain``: a staff retrain request: a queued version and its task, in one transaction.
- ``tasks``: the Celery tasks (thin; still named ``recommender.tasks.*``, as routed and queued).
- ``training``: train a version, then plan and embed its vectors and finish it.
- ``chunks``: a version's embedding in chunks that any number of workers take.
- ``review``: a candidate against the serving version on sample requests.
- ``dashboard``: what the admin's pages show of a run.
- ``evaluation``: recall of a version through the shoppers' own path (``evaluate_retrieval``).

It uses the serving wing's public modules (``vectors``, ``runtime``, ``understanding``,
``services``), never its pages; serving never imports anything here (import-linter).
"""
