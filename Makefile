# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Each creates the virtual environment (.venv) and installs the project into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PERIOD ?= 2026-10

.PHONY: demo test lint bench bench-check false-alarms install chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the committed sample exports: the twelve months to $(PERIOD), each end to end,
# so the reports' trends are full. Open reports/out/$(PERIOD)/index.html. The samples are named
# here (no command reads them unasked); the warehouse is the default one every command uses.
FIRST ?= 2025-11
demo: $(STAMP)
	$(BIN)/pantau backfill --from $(FIRST) --to $(PERIOD) --inbox data/samples
	@echo "gudang data: .pantau/pantau.duckdb (bawaan semua perintah), mis. $(BIN)/pantau export --period $(PERIOD)"

test: $(STAMP) chromium
	$(BIN)/python -m pytest -q

# ruff checks and formats the Python (`ruff format .` and `ruff check --fix .` fix most of it), sqlfluff the
# SQL models (`sqlfluff fix transforms`); settings in pyproject.toml, the same hooks in .pre-commit-config.yaml
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint transforms

# The browser tests open the reports in Debian's Chromium (not a test tool's own download); the print
# tests render its PDFs page by page with poppler's pdftoppm/pdftotext (Debian's poppler-utils)
chromium:
	@{ command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } && \
	  command -v pdftoppm >/dev/null 2>&1 || \
	  { echo "installing Debian's chromium and poppler-utils for the browser and print tests"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; }

# Stage timings, rows/s and peak memory against DuckDB's floor and a pandas script; `pantau run`
# end to end against a Prefect server (PREFECT_API_URL, or one started for the bench)
bench: $(STAMP)
	$(BIN)/python -m flows.bench --workloads office,city,province,province-units --repeat 3 --e2e

# CI's only timing assertion: office data work / floor within 2x the committed ratio
bench-check: $(STAMP)
	$(BIN)/python -m flows.bench --check --repeat 3

# The unit rules' false-alarm rate on stationary simulated offices and how soon they catch a doubled
# complaint theme, through the project's own SQL models (docs/ikm.md, "Alarm palsu")
SEEDS ?= 500
false-alarms: $(STAMP)
	$(BIN)/python -m flows.false_alarms --seeds $(SEEDS)

clean:
	rm -rf .pantau reports/out
