# Two commands do everything on a fresh machine:
#   make demo   set up and run the store with the demo catalog (embedded Postgres + Redis)
#   make test   set up and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test venv browser stop lint screenshots bench-retrieval bench-language bench-report bench-serving bench-text-encoder bench-scale bench-catalog-scale bench-indexing bench-embedding

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Debian's Chromium for the browser test (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

demo: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	@mkdir -p var/log
	@if test -f var/worker.pid && kill -0 $$(cat var/worker.pid) 2>/dev/null; then \
		echo "Celery worker already running (pid $$(cat var/worker.pid))"; \
	else \
		echo "Starting the Celery worker (queues default,gpu; log: var/log/worker.log)"; \
		rm -f var/worker.pid; \
		$(VENV)/bin/celery -A config worker -Q default,gpu --concurrency 1 --loglevel INFO \
			--pidfile $(CURDIR)/var/worker.pid --logfile $(CURDIR)/var/log/worker.log --detach; \
	fi
	$(PY) manage.py ensure_model
	@$(PY) manage.py setup_demo --print-logins --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

test: venv browser lint
	$(PY) -m pytest -q

# Stop the demo's worker and the embedded servers (data stays in var/).
stop:
	-@test -f var/worker.pid && kill $$(cat var/worker.pid) 2>/dev/null && echo "worker stopped"; rm -f var/worker.pid
	-@$(PY) -m config.startup stop

# Screenshots of the main pages into docs/screenshots/ (needs the store running: make demo).
screenshots: venv browser
	$(PY) docs/screenshots/take.py --url http://$(HOST):$(PORT)

# Style and the dependency direction (shop <- recommender -> ml), both part of `make test`.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Full-size benchmarks (several minutes each, docs/BENCHMARKS.md); `make test` runs them with tiny sizes.
bench-retrieval: venv
	$(PY) -m bench.retrieval --sql

bench-language: venv
	$(PY) -m bench.language

# The benchmark tables of docs/ and README.md, rewritten from bench/results/ (no number by hand).
bench-report: venv
	$(PY) -m bench.report

bench-serving: venv
	$(PY) -m bench.serving

bench-text-encoder: venv
	$(PY) -m bench.text_encoder

bench-scale: venv
	$(PY) -m bench.scale

bench-catalog-scale: venv
	$(PY) -m bench.catalog_scale

bench-indexing: venv
	$(PY) -m bench.indexing

bench-embedding: venv
	$(PY) -m bench.embedding --repeats 2
