# Civitas — the two commands of README.md: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PO := $(wildcard src/civitas/locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

.PHONY: demo test install sysdeps sysdeps-test assets messages compilemessages lint bench clean audit

demo: sysdeps install compilemessages
	$(BIN)/python manage.py rundemo --host $(HOST) --port $(PORT)

test: sysdeps-test install compilemessages
	bash scripts/test.sh

sysdeps:
	@bash scripts/sysdeps.sh demo

sysdeps-test:
	@bash scripts/sysdeps.sh test

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

compilemessages: $(MO)

%.mo: %.po
	msgfmt --check -o $@ $<

messages:
	cd src/civitas && ../../$(BIN)/django-admin makemessages -l fr -l en --ignore 'scheduling/*' \
	  --settings=civitas.settings.test --pythonpath=..

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the installed Python packages and the npm packages served to
# browsers. Needs the advisory services (pypi.org's JSON API, api.osv.dev, registry.npmjs.org's
# audit endpoint), which the CI network does not reach: see docs/exploitation.md, "Audit".
audit: install
	$(BIN)/pip install -q pip-audit
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off \
	  $$(sed -n 's/^\([A-Z]*-[A-Za-z0-9-]*\).*/--ignore-vuln \1/p' audit-allowlist.txt)
	npm audit --omit=dev --audit-level=low

bench:
	$(BIN)/python bench/scheduling.py

clean:
	rm -rf $(VENV) node_modules var/static
