# Roster: `make run` serves a demo on http://127.0.0.1:8000 (`make run PORT=8001` for another port),
# `make test` runs the suite on PostgreSQL.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: venv run test lint schema bench

# ---- virtualenv: reinstalled only when requirements.txt is newer than the stamp ----
venv: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	touch $@

# ---- development server: SQLite and in-process tasks unless DATABASE_URL / REDIS_URL are set ----
run: export DEBUG ?= 1
# Links in mails and the URLs printed by seed_demo follow the port served.
run: export ROSTER_SITE_URL ?= http://127.0.0.1:$(PORT)
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	# A small studio's time history for the tables, timesheets and quotas to show (once; a few seconds).
	$(PY) manage.py seed_history --persons 40 --time-spents 4000 --if-empty
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# ---- test suite: PostgreSQL and Redis on loopback (the environment may override both URLs) ----
test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/roster
test: export REDIS_URL ?= redis://127.0.0.1:6379/0
test: venv
	scripts/ensure-services.sh
	$(PY) -m pytest -n auto

lint: venv
	$(VENV)/bin/ruff check .

schema: export DEBUG ?= 1
schema: venv
	$(PY) manage.py spectacular --validate --fail-on-warn --file schema.yaml

# ---- benchmarks: figures to compare commits, never asserted ----
# make bench [TIME_SPENTS=3000000] [PERSONS=2000] [REPEAT=20] [REUSE=1: keep a database seeded with that volume]
PERSONS ?= 2000
TIME_SPENTS ?= 300000
REPEAT ?= 20
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/roster
bench: venv
	scripts/ensure-services.sh
	$(PY) -m bench.time_api --persons $(PERSONS) --time-spents $(TIME_SPENTS) --repeat $(REPEAT) $(if $(REUSE),--reuse)
