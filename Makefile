# The front door. `make report` sets everything up and produces real reports; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
KERNEL := research
JOBS ?= 2
# `make lab ARGS="--port 9999"` passes ARGS to JupyterLab; as root it also needs --allow-root.
ARGS ?=
ALLOW_ROOT ?= $(if $(filter 0,$(shell id -u)),--allow-root)
RUN := $(BIN)/research run --no-progress

.PHONY: setup chromium report test lint format lab bench bench-pysal batch clean lock help

help:
	@echo "make report  - set up, ingest bundled data, run every report on synthetic and real data"
	@echo "make test    - lint and run the full test suite"
	@echo "make batch   - run a small batch plan (plans/small.yaml) in parallel with Dask"
	@echo "make lab     - JupyterLab with the project's own kernel ($(KERNEL)); ARGS=\"--port 9999\" passes flags"
	@echo "make bench   - benchmarks (time and peak memory) into benchmarks/results.json, cold vs warm reruns into benchmarks/warm_runs.json, notebooks at scale into benchmarks/scale.json, PySAL side by side, all summed up in benchmarks/SUMMARY.md"
	@echo "make bench-pysal - D, H and Gini side by side with PySAL segregation (benchmark-only venv)"
	@echo "make clean   - remove reports, processed data and caches (keeps the environment)"
	@echo "make lock    - refresh requirements.lock from the current environment"

# Idempotent: reinstalls only when pyproject.toml or requirements.lock changed.
setup: $(STAMP) chromium

# Debian's Chromium drives the browser tests (the accessibility gate, the site's filter): installed
# with apt-get when missing and possible (as root); otherwise those tests skip, saying why.
CHROMIUM := /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || ! command -v apt-get >/dev/null || test "$$(id -u)" != 0 || { \
	  echo "Installing Debian's chromium for the browser tests (accessibility gate)..."; \
	  apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; } || \
	  echo "Could not install chromium: the browser tests will be skipped."; }

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	@echo "Setting up $(VENV): installing the packages of requirements.lock (a few minutes the first time)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev,scale]"
	@$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (research workbench)" >/dev/null
	@touch $(STAMP)
	@echo "Setup done: $(VENV) with the $(KERNEL) kernel."

report: setup
	@echo "Preparing the bundled data, then running 20 reports (one line each)..."
	@$(BIN)/research prepare
	@$(RUN) notebooks/00_data_audit.ipynb -p dataset synthetic
	@$(RUN) notebooks/00_data_audit.ipynb -p dataset cincinnati
	@$(RUN) notebooks/10_pay_gap.ipynb -p dataset synthetic
	@$(RUN) notebooks/10_pay_gap.ipynb -p dataset cincinnati
	@$(RUN) notebooks/11_ethnicity_disability_pay_gap.ipynb -p dataset synthetic
	@$(RUN) notebooks/11_ethnicity_disability_pay_gap.ipynb -p dataset cincinnati
	@$(RUN) notebooks/12_senior_pay.ipynb -p dataset synthetic:senior_tail=true
	@$(RUN) notebooks/12_senior_pay.ipynb -p dataset cincinnati -p chief_officers_by threshold
	@$(RUN) notebooks/20_segregation.ipynb -p dataset synthetic
	@$(RUN) notebooks/20_segregation.ipynb -p dataset cincinnati
	@$(RUN) notebooks/30_decomposition.ipynb -p dataset synthetic
	@$(RUN) notebooks/30_decomposition.ipynb -p dataset cincinnati
	@$(RUN) notebooks/40_equal_pay_audit.ipynb -p dataset synthetic
	@$(RUN) notebooks/40_equal_pay_audit.ipynb -p dataset cincinnati
	@$(RUN) notebooks/50_pay_structure_eia.ipynb -p dataset synthetic
	@$(RUN) notebooks/50_pay_structure_eia.ipynb -p dataset cincinnati
	@$(RUN) notebooks/70_workforce_flows.ipynb -p dataset synthetic_flows
	@$(RUN) notebooks/70_workforce_flows.ipynb -p dataset cincinnati
	@$(RUN) notebooks/60_council_benchmark.ipynb -p employer "Leeds City Council"
	@$(RUN) notebooks/60_council_benchmark.ipynb
	@echo "Reports index: $(abspath reports/index.html)"

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: setup
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

test: lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile -q

# SCALE_SIZES: employees per scale run (benchmarks/scale.py; 20000000 needs about 8 GB free).
SCALE_SIZES ?= 200000 2000000 20000000
bench: setup
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_warm.py
	$(BIN)/python benchmarks/scale.py --sizes $(SCALE_SIZES)
	$(MAKE) bench-pysal
	$(BIN)/python benchmarks/summary.py

bench-pysal: setup
	bash benchmarks/pysal_env.sh
	.bench/venv-pysal/bin/python benchmarks/bench_segregation.py

batch: setup
	$(BIN)/research batch plans/small.yaml
	@echo "Reports index: $(abspath reports/index.html)"

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT) $(ARGS)

lock: setup
	$(BIN)/python -m pip freeze --exclude-editable | grep -v -E '^(pip|setuptools|wheel)==' > requirements.lock

clean:
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +
