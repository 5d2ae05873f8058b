# make run   – set up and serve on the embedded defaults (SQLite, in-process tasks, no Redis)
# make test  – set up and run the whole test suite (SQLite by default; PostgreSQL when DATABASE_URL is set)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=true
PORT ?= 8000

.PHONY: run test setup venv migrate data bench clean messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

setup: venv
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_plan
	$(DEV_ENV) $(PY) manage.py load_published
	$(DEV_ENV) $(PY) manage.py load_demo
	$(DEV_ENV) $(PY) manage.py create_demo_accounts
	$(DEV_ENV) $(PY) manage.py recompute_progress

run: setup
	@echo "Serving http://127.0.0.1:$(PORT)/  (demo accounts: see README)"
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(PY) -m pytest

bench: venv
	$(PY) -m benchmarks.run

messages: venv
	cd $(CURDIR) && $(DEV_ENV) $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --ignore=benchmarks --ignore=tests
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
