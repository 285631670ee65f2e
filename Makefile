# Chamber — `make run` serves the demo chamber, `make test` runs the test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app chamber
PORT   ?= 5000
PYTEST_ARGS ?=
# Links in e-mails and calendar addresses follow the port the demo is served on.
BASE_URL ?= $(or $(CHAMBER_BASE_URL),http://127.0.0.1:$(PORT))
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: install run test e2e lint security load mutation bench bench-smoke seed-large clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Migrate the SQLite database under instance/, seed the demo chamber if it is empty, deliver
# e-mail from the outbox every 5 seconds and rank the network's connectors every 2 in the background,
# and serve on 127.0.0.1:$(PORT);
# links in e-mails and calendar feeds point at that port unless CHAMBER_BASE_URL says otherwise.
run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Demo accounts (password chamber-demo): director@example.com, chair@example.com, member@example.com"
	CHAMBER_BASE_URL=$(BASE_URL) $(FLASK) deliver-mail --watch 5 & mail=$$!; \
	$(FLASK) relationships-worker --watch 2 & worker=$$!; \
	trap 'kill $$mail $$worker 2>/dev/null' EXIT INT TERM; \
	CHAMBER_BASE_URL=$(BASE_URL) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The browser journeys alone (Playwright driving Debian's Chromium at $(CHROMIUM)).
e2e: install
	$(BIN)/pytest tests/e2e -p no:cacheprovider $(PYTEST_ARGS)

# Style and the floors of chamber/ (import-linter: arrows only point down).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Scan a server this target starts itself (small demo seed, temporary SQLite, a free port on
# 127.0.0.1): bandit on chamber/, sqlmap on every search and filter, wapiti as each demo role.
# About four minutes; exits 1 on any finding. Installs wapiti and sqlmap with apt when missing.
security: install
	$(BIN)/python security/scan.py

# The benchmark (bench/README.md): gunicorn + wrk on the large demo seed, table and JSON under
# bench/results/. bench-smoke: small seed, 2 s a page; fails on any error or too many queries.
bench: install
	$(BIN)/python -m bench.run

bench-smoke: install
	$(BIN)/python -m bench.run --smoke

# Twenty signed-in members for 60 s and thirty simultaneous sign-ins, through gunicorn on the
# large demo chamber (seeded first unless LOAD_DATABASE names a seeded SQLite file).
load: install
	$(BIN)/python -m pip install --quiet -e ".[load]"
	$(BIN)/python -m security.load $(if $(LOAD_DATABASE),--database $(LOAD_DATABASE))

# Mutation testing (mutmut) of chamber/authz.py and the session and token code: every mutant
# the tests do not kill is listed (`mutmut results`; `mutmut show NAME` for its diff).
mutation: install
	$(BIN)/python -m pip install --quiet -e ".[mutation]"
	$(BIN)/mutmut run --max-children 2; $(BIN)/mutmut results

seed-large: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --size large

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
