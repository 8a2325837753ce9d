# appui — two commands: `make demo` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
CHROMIUM ?= /usr/bin/chromium
# System packages: Chromium (browser tests), gettext (compilemessages), Pango (WeasyPrint PDFs),
# Redis (the RQ task tests start their own redis-server).
I18N_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=node_modules
APT_PACKAGES := chromium gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core redis-server

.PHONY: help demo serve worker audit test lint check messages system-deps venv venv-dev clean

help:
	@echo "make demo   installe, migre la base SQLite, charge l'établissement de démo et sert l'application"
	@echo "make test   installe (avec les outils de développement) et lance toute la suite de tests"
	@echo "make serve  production : migre, collecte les fichiers statiques, lance gunicorn et le(s) worker(s) de tâches (docs/deploiement.md)"
	@echo "make worker lance le(s) worker(s) de tâches seuls (base de données, ou RQ sur Redis si TASKS_BACKEND=rq), ici ou sur une autre machine (docs/deploiement.md)"
	@echo "make audit  cherche les vulnérabilités connues des paquets installés (pip-audit, accès Internet requis)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

# Installs what is missing with apt-get when running as root; otherwise says what to install.
system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installation des paquets système :$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "Paquets système manquants :$$missing (installez-les, ou Playwright utilisera son propre navigateur)"; \
	  fi; \
	fi

messages: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py makemessages -l fr --no-location $(I18N_IGNORE)
	DEBUG=1 $(BIN)/python manage.py compilemessages -v0 $(I18N_IGNORE)

demo: system-deps $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py compilemessages -v0 $(I18N_IGNORE)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 $(BIN)/python manage.py demo --if-empty
	@echo ""
	@echo "appui est servi sur http://$(HOST):$(PORT)/  (Ctrl-C pour arrêter)"
	@echo "Comptes de démo (mot de passe « demo ») : direction, coordination, professeur, tuteur, eleve, parent, academie"
	@# A task worker runs beside the web server (it forms the need groups); Ctrl-C stops both.
	trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	DEBUG=1 $(BIN)/python manage.py db_worker >/dev/null 2>&1 & \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production (docs/deploiement.md): settings from the environment, or from ENV_FILE (KEY=value
# lines, read literally; variables already set in the environment win). DEBUG stays off.
ENV_FILE ?= .env
TASK_WORKERS ?= 1
# PIN_WORKERS=1 pins worker i to CPU i-1 (taskset): one worker per core, and each solve uses
# the one core of its worker (the solver counts the CPUs of its affinity).
PIN_WORKERS ?= 0
LOAD_ENV := if [ -f "$(ENV_FILE)" ]; then \
	  while IFS= read -r line || [ -n "$$line" ]; do \
	    case "$$line" in ""|"\#"*) continue;; esac; \
	    key="$${line%%=*}"; [ -n "$${!key+x}" ] || export "$$line"; \
	  done < "$(ENV_FILE)"; \
	fi

# Starts TASK_WORKERS workers in the background (after LOAD_ENV): RQ's rqworker (with its
# scheduler, for the delayed retries) when TASKS_BACKEND is rq, db_worker otherwise. Names are
# unique per machine and start, as RQ requires of workers sharing one Redis.
START_WORKERS := for i in $$(seq 1 $(TASK_WORKERS)); do \
	  pin=""; if [ "$(PIN_WORKERS)" = 1 ]; then pin="taskset -c $$(( (i - 1) % $$(nproc) ))"; fi; \
	  case "$${TASKS_BACKEND:-db}" in \
	    rq|django_tasks_rq.RQBackend) \
	      $$pin $(BIN)/python manage.py rqworker default --job-class django_tasks_rq.Job \
	        --with-scheduler --name "$$(hostname)-$$$$-$$i" & ;; \
	    *) $$pin $(BIN)/python manage.py db_worker --no-reload --worker-id "$$(hostname)-$$i" & ;; \
	  esac; \
	done

serve: $(VENV)/.installed
	@$(LOAD_ENV); set -e; \
	$(BIN)/python manage.py check --deploy; \
	$(BIN)/python manage.py compilemessages -v0 $(I18N_IGNORE); \
	$(BIN)/python manage.py migrate --noinput -v1; \
	$(BIN)/python manage.py collectstatic --noinput -v0; \
	echo "appui : gunicorn et $(TASK_WORKERS) worker(s) de tâches ; Ctrl-C ou SIGTERM arrête tout"; \
	trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(START_WORKERS); \
	$(BIN)/gunicorn config.wsgi --config config/gunicorn.conf.py & \
	wait -n

# Task workers only: on a machine that serves no pages, with the same settings (DATABASE_URL,
# and for RQ TASKS_BACKEND=rq and REDIS_URL). Any number of machines may run it at once.
worker: $(VENV)/.installed
	@$(LOAD_ENV); set -e; \
	echo "appui : $(TASK_WORKERS) worker(s) de tâches ($${TASKS_BACKEND:-db}) ; Ctrl-C ou SIGTERM arrête tout"; \
	trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(START_WORKERS); \
	wait -n

# Known vulnerabilities of the installed packages (needs Internet; not part of CI).
audit: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[audit]'
	$(BIN)/pip-audit --local --skip-editable --progress-spinner off

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	SECRET_KEY=lint-only $(BIN)/mypy appui config

check: $(VENV)/.installed-dev
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/python manage.py compilemessages -v0 $(I18N_IGNORE)

test: system-deps $(VENV)/.installed-dev
	@if [ ! -x "$(CHROMIUM)" ]; then $(BIN)/playwright install chromium; fi
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory check
	SECRET_KEY=tests-only $(BIN)/python -m pytest -n 2 -p no:cacheprovider

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
