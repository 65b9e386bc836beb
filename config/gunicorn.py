"""gunicorn's settings for the web process: the image (Dockerfile), docker-compose.yml and
bench.load all start it with `gunicorn -c config/gunicorn.py config.wsgi:application --bind ...`.

Threads, not one request per process. Under gunicorn's sync worker a process serves one request at
a time, so three logins (each a deliberately slow password hash, 0.3-0.5 s of a core) held all
three processes and every page waited in the listen queue behind them: in bench.load's login
burst the slowest product pages spent nearly all their time waiting for a process, not in Django
(docs/BENCHMARKS.md, "Load"). With threads a page is served beside the logins, and
config/hashers.py lets each process hash one password at a time, so the logins that wait for
their turn hold a sleeping thread, not a core. 16 threads: more than a process's share of the
logins in that burst (32 shoppers over 3 processes), so the logins waiting their turn leave
threads for the pages (with 8, one process's threads were all held by waiting logins in a trial
run); a thread keeps its database connection, so a process opens at most 16 per database.

No keep-alive: a connection serves one request, as behind the TLS proxy (nginx speaks HTTP/1.0 to
its upstream by default) and as under the sync worker. A kept-alive connection stays with the
process that accepted it, and a client that reuses one just as gunicorn closes it gets a
connection reset (bench.load's shoppers got some with gunicorn's default 2 s keep-alive).
"""

workers = 3
threads = 16
keepalive = 0
timeout = 60
# Load the app and the active model once in the master (config/wsgi.py), then fork the workers.
preload_app = True
