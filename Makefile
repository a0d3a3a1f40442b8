# The two set-up commands (see README): `make run` and `make test`.
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint browser

run:
	$(PIP) -r requirements.txt
	$(PYTHON) -m streamlit run app.py

test: browser
	$(PIP) -r requirements-dev.txt
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy

# The end-to-end tests drive Debian's chromium (Playwright cannot download browsers here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is not installed: ask for Debian's 'chromium' package, or the browser tests will be skipped"; \
	  fi; \
	fi
