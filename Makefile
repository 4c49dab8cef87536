# The two commands of the README. Both do all their own set-up.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := SAFEVISIT_ENV=development $(VENV)/bin/flask --app wsgi
# In load order: the last loaded version of a procedure is its current one.
PROCEDURES := procedure_data/child-abuse-and-the-internet/v10.json procedure_data/child-abuse-and-the-internet/v10-r2.json procedure_data/child-abuse-and-the-internet/v10-r3.json

.PHONY: run test venv test-deps

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[postgres]'
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[postgres,test]'
	touch $@

venv: $(VENV)/.installed

run: venv
	$(FLASK) db upgrade
	$(FLASK) push init
	$(FLASK) procedures load $(PROCEDURES)
	$(FLASK) users seed-demo
# The push worker runs beside the app and is stopped with it (Ctrl-C included).
	$(FLASK) push worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $${PORT:-5000}

# The OpenID Connect provider the tests start (e2e/oidc): exactly the locked versions.
OIDC_PROVIDER := e2e/oidc/node_modules/.installed

$(OIDC_PROVIDER): e2e/oidc/package.json e2e/oidc/package-lock.json
	cd e2e/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test-deps: $(VENV)/.test-installed
	bash scripts/install-system-deps.sh
	@$(MAKE) --no-print-directory $(OIDC_PROVIDER)

# Every test on SQLite, then every test again on a throwaway PostgreSQL.
test: test-deps
	$(PY) -m pytest
	scripts/with-postgres.sh $(PY) -m pytest
