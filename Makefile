# Each target sets up .venv/ in the repository first when it is missing or out of date.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pywb (make serve's replay) pins redis<3, the crawl cluster redis 8: it gets a venv of its own.
PYWB_VENV := $(VENV)/pywb
PYWB_STAMP := $(PYWB_VENV)/.installed-stamp

.PHONY: crawl serve test test-quick bench lint typecheck contracts format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(PYWB_STAMP): $(STAMP)
	test -x $(PYWB_VENV)/bin/python || $(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet 'pywb==2.10.0'
	touch $(PYWB_STAMP)

## crawl: the site into archive/hdnd.db, in full the first time, then only what changed
## (options: make crawl ARGS='--full' or ARGS='--db x.db --set LOG_LEVEL=DEBUG'; exit codes: crawl --help)
crawl: $(STAMP)
	$(BIN)/hdnd-crawler crawl $(ARGS)

## serve: browse and search the archive in Datasette at http://127.0.0.1:8001 (read-only), and the
## pages as captured, replayed by pywb from archive/warc/, at http://127.0.0.1:8002/hdnd/
SERVE_DB ?= archive/hdnd.db
SERVE_PORT ?= 8001
SERVE_REPLAY_PORT ?= 8002
SERVE_WARC_DIR ?= $(dir $(SERVE_DB))warc
# Facets of a search found in most of the archive take a few hundred ms (one query counts them
# all, hdnd_crawler/browse/facets.py); Datasette's default limit (200 ms) would drop them unsaid.
# Datasette reads a file it is given (without -i) through mode=ro connections, and the plugin's
# startup hook refuses an archive at another schema version: serving never writes nor migrates.
# hdnd-crawler replay runs pywb in the background for as long as Datasette runs.
serve: $(STAMP) $(PYWB_STAMP)
	$(BIN)/hdnd-crawler replay --warc-dir $(SERVE_WARC_DIR) --port $(SERVE_REPLAY_PORT) -- $(BIN)/datasette serve $(SERVE_DB) --host 127.0.0.1 --port $(SERVE_PORT) --metadata archive/metadata.yml --template-dir archive/templates --setting truncate_cells_html 300 --setting suggest_facets off --setting default_page_size 20 --setting facet_time_limit_ms 1000

## test: lint, format check, type check, import contracts, then the whole test suite
test: $(STAMP) $(PYWB_STAMP) lint typecheck contracts
	$(BIN)/pytest $(PYTEST_ARGS)

## test-quick: the unit tests alone, none that starts a server, a process or a browser (no lint)
test-quick: $(STAMP)
	$(BIN)/pytest -m "not servers and not processes and not browser" $(PYTEST_ARGS)

## bench: benchmark figures as one table (about 30 min; quicker: make bench BENCH_SIZES=1000,10000)
BENCH_SIZES ?= 1000,10000,50000
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --sizes $(BENCH_SIZES) $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The seams between the parts (pyproject.toml's [tool.importlinter]).
contracts: $(STAMP)
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
