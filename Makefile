# Counterpart: simulated customers for customer-service training.
# `make help` lists the targets. `make run` and `make test` set up what they need first.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
APP_PY := .venv/bin/python
RASA_PY := .venv-rasa/bin/python
RASA := $(abspath .venv-rasa/bin/rasa)
STAMPS := .stamps
export UV_PYTHON_DOWNLOADS := automatic
export PYTHONDONTWRITEBYTECODE := 1

# Each environment is rebuilt only when its lock file (or the project metadata) changes.
hash = $(shell cat $(1) 2>/dev/null | sha256sum | cut -c1-12)
APP_ENV := $(STAMPS)/app-env-$(call hash,uv.lock pyproject.toml)
RASA_ENV := $(STAMPS)/rasa-env-$(call hash,rasa_project/requirements.lock pyproject.toml)
SYSTEM := $(STAMPS)/system-$(call hash,scripts/install-system-packages)

# The model is retrained only when config, domain, training data or our own pipeline components
# change (content fingerprint).
MODEL := rasa_project/models/counterpart.tar.gz
MODEL_INPUTS := $(sort rasa_project/config.yml $(shell find rasa_project/domain rasa_project/data -name '*.yml' 2>/dev/null) $(wildcard rasa_project/components/*.py))
MODEL_STAMP := rasa_project/models/fingerprint-$(call hash,$(MODEL_INPUTS))

# Feature fragments (mk/*.mk) add targets and may append setup steps to SETUP_EXTRAS.
SETUP_EXTRAS :=
include $(sort $(wildcard mk/*.mk))

##@ Everyday

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n\033[1m%s\033[0m\n", substr($$0, 5)} \
	  /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: setup $(MODEL) ## Start Rasa, the action server and the gateway (web chat on http://127.0.0.1:8080)
	.venv/bin/counterpart run

.PHONY: test
test: setup ## Lint, unit tests (both envs), Rasa data validation, integration tests
	@$(MAKE) lint
	@$(MAKE) test-unit
	@$(MAKE) validate-data
	@$(MAKE) test-actions
	@$(MAKE) test-integration

##@ Setup

.PHONY: setup
setup: $(APP_ENV) $(RASA_ENV) $(SYSTEM) $(SETUP_EXTRAS) ## Create both Python environments and system packages (idempotent)

$(UV):
	@echo "==> bootstrapping uv $(UV_VERSION) into $(TOOLS)/"
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(APP_ENV): uv.lock pyproject.toml | $(UV)
	@echo "==> app env (.venv, Python 3.11+) from uv.lock"
	$(UV) sync --locked
	@mkdir -p $(STAMPS) && rm -f $(STAMPS)/app-env-* && touch $@

$(RASA_ENV): rasa_project/requirements.lock pyproject.toml | $(UV)
	@echo "==> rasa env (.venv-rasa, Python 3.10) from rasa_project/requirements.lock"
	@py310=$$(scripts/find-python310 $(UV)) && echo "    using $$py310" && \
	  $(UV) venv --quiet --allow-existing --python "$$py310" .venv-rasa
	VIRTUAL_ENV=.venv-rasa $(UV) pip install --quiet -r rasa_project/requirements.lock
	@# personas/ and scoring/ are pure Python: the rasa env takes our code, not the app's dependencies.
	VIRTUAL_ENV=.venv-rasa $(UV) pip install --quiet --no-deps -e .
	@# the Rasa-side code (actions, batch tools, components, stores) is importable in this env
	@# as it is for the Rasa server, which runs from rasa_project/: no PYTHONPATH, no sys.path edits
	echo "$(abspath rasa_project)" > "$$($(RASA_PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/counterpart_rasa_project.pth"
	@mkdir -p $(STAMPS) && rm -f $(STAMPS)/rasa-env-* && touch $@

$(SYSTEM): scripts/install-system-packages
	scripts/install-system-packages
	@mkdir -p $(STAMPS) && rm -f $(STAMPS)/system-* && touch $@

.PHONY: lock
lock: | $(UV) ## Re-resolve both lock files after changing dependencies
	$(UV) lock
	$(UV) pip compile --quiet --python-version 3.10 --python-platform x86_64-unknown-linux-gnu \
	  rasa_project/requirements.in -o rasa_project/requirements.lock

##@ Rasa

.PHONY: train
train: setup $(MODEL) ## Train the NLU model if config, domain or data changed

$(MODEL): $(MODEL_STAMP)
	@test -f $@

$(MODEL_STAMP): | $(RASA_ENV)
	@echo "==> training the Rasa model (config, domain or data changed)"
	@# --force: Rasa's own training cache keys on component configs, not on our components' code
	cd rasa_project && $(RASA) train --force --domain domain --fixed-model-name counterpart --out models
	@rm -f rasa_project/models/fingerprint-* && touch $@

.PHONY: validate-data
validate-data: setup ## Check the Rasa domain, NLU data and rules for consistency
	cd rasa_project && $(RASA) data validate --domain domain --fail-on-warnings

##@ Quality

.PHONY: lint
lint: $(APP_ENV) ## ruff check and format check; mypy over the pure packages ([tool.mypy] files)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

.PHONY: format
format: $(APP_ENV) ## Apply ruff fixes and formatting
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

.PHONY: test-unit
test-unit: setup ## Unit tests in the app env
	$(APP_PY) -m pytest -m "not integration" --ignore=tests/rasa_project

.PHONY: test-actions
test-actions: setup $(MODEL) ## Rasa-side tests in the rasa env (tests/rasa_project: actions, batch tools, components, stores)
	COUNTERPART_MODEL=$(abspath $(MODEL)) $(RASA_PY) -m pytest tests/rasa_project

.PHONY: test-integration
test-integration: setup $(MODEL) ## Start real Rasa, action server and gateway, exchange turns
	$(APP_PY) -m pytest -m integration tests/integration

##@ Operations

.PHONY: rescore
rescore: setup ## Re-rate stored sessions with the current rubric (ARGS="--all" or "--session ID")
	.venv/bin/counterpart rescore $(ARGS)

.PHONY: bench
bench: setup $(MODEL) ## Benchmark: end-to-end turns via web sockets vs NLU alone; writes bench-results.json
	$(APP_PY) benchmarks/bench.py

.PHONY: bench-practice
bench-practice: setup $(MODEL) ## Action server CPU per practice turn, in process (all persona scripts; no servers)
	$(RASA_PY) benchmarks/practice_turns.py $(ARGS)
