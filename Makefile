# The two commands of the quick start: `make site` and `make test`.
# Both set up .venv from nothing but Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test serve check bench bench-archive goldens lint clean screenshot

AXE    := tests/.npm/node_modules/axe-core/axe.min.js
YLS    := tests/.npm/node_modules/yaml-language-server/package.json
# One install for all: npm removes --no-save packages that a later install does not name.
NPM_TOOLS := axe-core@4 yaml-language-server@1 vscode-languageserver-textdocument@1

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

# axe-core for the accessibility tests and yaml-language-server for the editor-schema
# test, from the npm registry (those tests are skipped without npm).
$(AXE) $(YLS):
	-command -v npm >/dev/null && npm install --prefix tests/.npm --no-save --no-audit --no-fund --loglevel=error $(NPM_TOOLS)

# Lint and types are part of the tests: ruff over the code and tests, mypy --strict over briefing/.
lint: $(STAMP)
	$(BIN)/ruff check briefing tests
	$(BIN)/mypy

test: $(STAMP) $(AXE) $(YLS) lint
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
	cp tests/output/briefing-chronology-desktop.png tests/screenshots/briefing-chronology.png
