# make run   – set up and serve on the embedded defaults (SQLite, in-process tasks, no Redis)
# make test  – set up and run the whole test suite (SQLite by default; PostgreSQL when DATABASE_URL is set)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# test processes (pytest-xdist): one per CPU; each has its own test database
TEST_WORKERS ?= auto

.PHONY: run test setup venv migrate data bench clean messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# the development settings manage.py reads (DEBUG=true: SQLite, in-process tasks); never used in production
.env.development:
	printf '# written by make run: development only (manage.py reads it; production never does)\nDEBUG=true\n' > $@

setup: venv .env.development
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_plan
	$(PY) manage.py load_departments
	$(PY) manage.py load_plan_work
	$(PY) manage.py load_published
	$(PY) manage.py load_demo
	$(PY) manage.py create_demo_accounts
	$(PY) manage.py recompute_progress

run: setup
	@echo "Serving http://127.0.0.1:$(PORT)/  (demo accounts: see README)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(PY) -m pytest -n $(TEST_WORKERS)

bench: venv
	$(PY) -m benchmarks.run

messages: venv .env.development
	cd $(CURDIR) && $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --ignore=benchmarks --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .env.development
