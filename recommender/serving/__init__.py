"""Serving shoppers: a "like this, but …" request answered in one SQL statement.

- ``services``: the request (``RecommendationRequest``, checked once), ``recommend()`` and the
  search it plans (``Search``); the errors every view maps to a status.
- ``understanding``: the text read by ``language`` against the catalog's vocabulary, and what it
  understood as SQL (conditions, wishes, what is kept of the reference).
- ``runtime``: each version's model and learned reader, loaded once per process; texts encoded on
  a background thread.
- ``vectors``: pgvector: the search (``SearchPlan``, ``nearest``), the HNSW graphs, bulk writes.
- ``page``: the results page's parameters, chips and box; ``trail``: the refinements carried in
  its URLs; ``starts``: where "like one of my purchases, but …" can start.

Nothing here imports ``recommender.lifecycle`` (an import-linter contract): serving needs none of
it. The lifecycle uses ``vectors`` (writes, indexes), ``runtime`` (models), ``understanding`` and
``services`` (sample requests, evaluation).
"""
