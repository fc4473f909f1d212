# Set-up, local run, tests and benchmarks. From a fresh machine (Python 3.11, Java 17, Node 20,
# the Google Cloud CLI with its Firestore emulator), `make test` or `make run` installs the rest.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# gcloud-tasks-emulator pins protobuf<5, which current Firestore cannot use: own virtualenv.
VENV_TASKS := .venv-tasks
TASKS_EMULATOR_VERSION := 0.6.2
CHROMIUM := /usr/bin/chromium

VENV_STAMP := $(VENV)/.installed
ECD := $(VENV)/bin/ecd
TASKS_STAMP := $(VENV_TASKS)/.installed-$(TASKS_EMULATOR_VERSION)
# checkov pins boto3, packaging and cachetools below ours: own virtualenv too. The stamp names
# the requirements' hash, as tests/unit/test_terraform_offline.py looks for it.
VENV_CHECKOV := .venv-checkov
CHECKOV_STAMP := $(VENV_CHECKOV)/.installed-$(shell sha256sum requirements-checkov.txt | cut -c1-16)

.PHONY: help setup chromium firestore-emulator run test test-quick fuzz lint bench \
	seed-form-mappings preview-emails translations clean distclean load

help:
	@echo "make run     start both emulators and every entry point on http://127.0.0.1:8080"
	@echo "             (HTTP_PORT, FIRESTORE_PORT, TASKS_PORT, GOOGLE_CLOUD_PROJECT override;"
	@echo "             what it stores is kept in .local-data; make run FRESH=1 starts empty)"
	@echo "make test    ruff, then pytest (whole suite), then node --test tests/node/"
	@echo "make test-quick  the same without the long-running runs (pytest -m 'not long')"
	@echo "make fuzz    every hypothesis test (schemathesis included) with the long profile;"
	@echo "             it ends with the number of fuzz cases run (FUZZ_EXAMPLES per test, 400)"
	@echo "make lint    ruff only"
	@echo "make bench   every bench/*.py (but bench/_*.py helpers and load.py: make load)"
	@echo "make load    bench/load.py: 20 submissions/s for 5 min, Firestore paused 10 s (LOAD_RATE,"
	@echo "             LOAD_SECONDS, LOAD_PAUSE); checks nothing lost, duplicated or mailed twice"
	@echo "make seed-form-mappings  load infra/google_forms/mappings/*.json into the Firestore"
	@echo "             GOOGLE_CLOUD_PROJECT (and FIRESTORE_EMULATOR_HOST, if set) point at"
	@echo "make preview-emails  render every email with its sample data into build/email-previews/"
	@echo "make translations  extract the strings people read into functions/locales/messages.pot"
	@echo "             and merge them into every language's messages.po (then translate the new ones)"
	@echo "make clean   caches and build output (make distclean also removes the virtualenvs)"

setup: $(VENV_STAMP) $(ECD) $(TASKS_STAMP) $(CHECKOV_STAMP) chromium firestore-emulator

# Re-installed whenever a requirements file changes.
$(VENV_STAMP): requirements.txt requirements-dev.txt
	@echo "Installing the Python packages of requirements-dev.txt into $(VENV)" \
		"(the first time takes a few minutes) ..."
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The administrators' `ecd` tool (functions/cli). The repository is not packaged, so a
# launcher runs it from here; -P keeps the working directory off sys.path.
$(ECD): $(VENV_STAMP)
	printf '%s\n' '#!/bin/sh' '# `ecd`: functions/cli of $(CURDIR) (written by its Makefile).' \
		'PYTHONPATH="$(CURDIR)$${PYTHONPATH:+:$$PYTHONPATH}" exec "$(CURDIR)/$(PY)" -P -m functions.cli "$$@"' \
		> $@
	chmod +x $@

$(CHECKOV_STAMP): requirements-checkov.txt
	@echo "Installing checkov (requirements-checkov.txt) into $(VENV_CHECKOV) ..."
	[ -x $(VENV_CHECKOV)/bin/python ] || $(PYTHON) -m venv $(VENV_CHECKOV)
	$(VENV_CHECKOV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r requirements-checkov.txt
	rm -f $(VENV_CHECKOV)/.installed-*
	touch $@

$(TASKS_STAMP):
	@echo "Installing gcloud-tasks-emulator $(TASKS_EMULATOR_VERSION) into $(VENV_TASKS) ..."
	[ -x $(VENV_TASKS)/bin/python ] || $(PYTHON) -m venv $(VENV_TASKS)
	$(VENV_TASKS)/bin/pip install --quiet --disable-pip-version-check \
		gcloud-tasks-emulator==$(TASKS_EMULATOR_VERSION)
	touch $@

# The Firestore emulator is a component of the Google Cloud CLI: say how to add it if missing.
firestore-emulator:
	@root=$$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null) || { \
		echo "The Google Cloud CLI (gcloud) is missing: see README, 'On a new machine'." >&2; \
		exit 1; }; \
	if [ ! -d "$$root/platform/cloud-firestore-emulator" ]; then \
		echo "gcloud has no Firestore emulator. Install it with one of:" >&2; \
		echo "  sudo apt-get install google-cloud-cli-firestore-emulator  (gcloud from apt)" >&2; \
		echo "  gcloud components install cloud-firestore-emulator        (gcloud from the installer)" >&2; \
		exit 1; \
	fi

# Browser tests drive Debian's chromium through Playwright; never a downloaded browser.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests ..."; \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "$(CHROMIUM) is missing; run: sudo apt-get update && sudo apt-get install -y chromium" >&2; \
			exit 1; \
		fi; \
	fi

run: $(VENV_STAMP) $(ECD) $(TASKS_STAMP) firestore-emulator
	$(PY) -m functions.devtools.run

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest
	@if [ -n "$$(find tests/node -name '*.test.js' -print -quit 2>/dev/null)" ]; then \
		node --test tests/node/; \
	else \
		echo "tests/node: no *.test.js yet, skipped"; \
	fi

# While working: everything but the tests marked `long` (a fuzz of 1,200 form responses).
test-quick: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -m "not long"

# The long fuzz run: every test module that uses hypothesis, HYPOTHESIS_PROFILE=long (tests/fuzzing.py).
fuzz: setup
	HYPOTHESIS_PROFILE=long $(VENV)/bin/pytest -p no:cacheprovider \
		$$(grep -rl --include='test_*.py' '^from hypothesis' tests | sort)

seed-form-mappings: $(VENV_STAMP)
	$(PY) -m functions.devtools.seed --form-mappings-only

preview-emails: $(VENV_STAMP)
	$(PY) -m functions.devtools.preview_emails

translations: $(VENV_STAMP)
	$(PY) -m functions.devtools.translations update

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# bench/_*.py are helpers the benchmarks load, not benchmarks; bench/load.py (15 minutes, and
# a pass/fail check besides its figures) runs on its own with `make load`.
bench: $(VENV_STAMP) $(TASKS_STAMP)
	@shopt -s nullglob; for script in bench/*.py; do \
		[[ $$(basename "$$script") == _* || $$(basename "$$script") == load.py ]] && continue; \
		echo "== $$script"; \
		PYTHONPATH=$(CURDIR) $(PY) "$$script"; \
	done

# Load with faults (bench/load.py): fails (exit 1) when an invariant does not hold.
LOAD_RATE ?= 20
LOAD_SECONDS ?= 300
LOAD_PAUSE ?= 10
load: $(VENV_STAMP) $(TASKS_STAMP)
	$(PY) -m bench.load --rate $(LOAD_RATE) --seconds $(LOAD_SECONDS) --pause $(LOAD_PAUSE)

clean:
	rm -rf .pytest_cache .ruff_cache build bench/out bench/results
	find . -path ./$(VENV) -prune -o -path ./$(VENV_TASKS) -prune -o \
		-name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(VENV_TASKS) $(VENV_CHECKOV)
