"""The recommender app, shaped like Django's own: its entry points stand here (``models``,
``admin``, ``views``, ``urls`` and ``api_urls``, ``api/``, ``templatetags/``, ``receivers``,
``management/commands/``) over two wings that hold the work:

- ``serving/``: a shopper's request answered (the request, reading it, the SQL search, the page).
- ``lifecycle/``: model versions made and managed (retrain, training, embedding, review, tasks).

Serving never imports the lifecycle; neither wing imports the entry points (import-linter).
"""
