# The two commands of the quick start: `make site` and `make test`.
# Both set up .venv from nothing but Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test serve check bench bench-archive goldens lint clean screenshot

AXE    := tests/.npm/node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/briefing build

serve: $(STAMP)
	$(BIN)/briefing serve

check: $(STAMP)
	$(BIN)/briefing check

# axe-core for the accessibility tests, from the npm registry (skipped without npm).
$(AXE):
	-command -v npm >/dev/null && npm install --prefix tests/.npm --no-save --no-audit --no-fund --loglevel=error axe-core@4

# Lint and types are part of the tests: ruff over the code and tests, mypy --strict over briefing/.
lint: $(STAMP)
	$(BIN)/ruff check briefing tests
	$(BIN)/mypy

test: $(STAMP) $(AXE) lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.bench_archive --sizes 2000

# The archive-scale run (10,000 briefings): long; see README, "Performance".
bench-archive: $(STAMP)
	$(BIN)/python -m tests.bench_archive --sizes 10000

# Regenerate golden files after an intended change; review the diff before committing.
goldens: $(STAMP)
	$(BIN)/python -m pytest tests --update-goldens -q

clean:
	rm -rf site .site.* $(VENV) .pytest_cache .cache .mypy_cache .ruff_cache

# Refresh the README's screenshot from the browser tests' output.
screenshot: $(STAMP) $(AXE)
	$(BIN)/python -m pytest tests/test_browser.py -q -k screenshots
	cp tests/output/briefing-desktop.png tests/screenshots/briefing-page.png
