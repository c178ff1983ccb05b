# sitrep: `make report` builds the sample report, `make test` runs the tests.
# Both set everything up first on a fresh Debian machine with Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-packages
TEST_SYSTEM_STAMP := $(VENV)/.test-system-packages
# Debian packages sitrep needs: Pango and HarfBuzz (font subsetting) for WeasyPrint.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
# ...and those the tests need: pdftotext/pdftoppm, openssl (a TLS certificate for the test
# SMTP server), LibreOffice without a GUI (workbooks must open in it), Chromium (the preview
# and the HTML edition are tested in a real browser, driven by Playwright), LibreOffice Writer (the
# Word edition must open in it).
DEBIAN_TEST_PACKAGES := poppler-utils openssl libreoffice-calc-nogui libreoffice-writer-nogui chromium
# axe-core, the accessibility checker the browser tests run in Chromium: the npm package, pinned,
# installed with the machine's npm into the venv (Debian's npm package if there is no npm).
AXE_VERSION := 4.14.1
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

# Installs the Debian packages in $(1) that are missing (as root, or with sudo), then stamps $(2).
define install_debian
	@missing=""; for p in $(1); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	$(PYTHON) -c "import ensurepip" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@mkdir -p $(VENV) && touch $(2)
endef

.PHONY: report test test-fast lint format bench clean system-packages

report: $(STAMP)
	$(BIN)/sitrep build

# Test processes: one more than the CPUs, at most 4. A sixth of the suite's time is spent
# waiting (Chromium, LibreOffice, SMTP, a killed build's restart), which a third process fills
# on 2 CPUs: 242 s instead of 281 s there; a fourth did worse (263 s: more fixtures made
# again, more contention). bench/README.md has the runs.
WORKERS := $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -ge 4 ] && echo 4 || echo $$((n + 1)))

# The checks first (`lint`), so that a type error fails before the suite starts.
test: lint $(TEST_SYSTEM_STAMP) $(AXE)
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist worksteal

# The inner loop: the tests not marked slow (no process started, no PDF laid out; conftest.py
# fails a test that does either unmarked), in under a minute on 2 cores.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist worksteal -m "not slow"

# mypy reads [tool.mypy] in pyproject.toml (sitrep/, its cache in the venv).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) $(TEST_SYSTEM_STAMP)
	$(BIN)/python bench/run.py

system-packages: $(SYSTEM_STAMP) $(TEST_SYSTEM_STAMP)

$(SYSTEM_STAMP):
	$(call install_debian,$(DEBIAN_PACKAGES),$@)

$(TEST_SYSTEM_STAMP):
	$(call install_debian,$(DEBIAN_TEST_PACKAGES),$@)

$(AXE): | $(VENV)/bin/python
	@command -v npm >/dev/null || { \
	  echo "Installing Debian's npm (for axe-core)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null || true; }
	@if command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION); \
	else \
	  echo "npm is not available: axe-core is not installed; the accessibility tests will fail and say so"; \
	fi

$(VENV)/bin/python: | $(SYSTEM_STAMP)
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(SYSTEM_STAMP) | $(VENV)/bin/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@# Bytecode now, as pip does for an installed package: where PYTHONDONTWRITEBYTECODE is set,
	@# every command would otherwise compile sitrep again (0.2 s of each build).
	$(BIN)/python -m compileall -q sitrep
	touch $@

clean:
	rm -rf $(VENV) output .pytest_cache .ruff_cache
