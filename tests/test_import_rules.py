"""The seams, checked on what each module really loads, third-party imports included.

The import contracts (``lint-imports``) follow this package's own imports; these tests import
each module in a fresh interpreter and look at everything that came with it, so an import
through a library (python-docx loads lxml, Datasette loads sqlite3) counts too. Modules are
found by where they sit, whatever they are named: under a ``spiders`` package, under
``extract``, or talking to SQLite themselves.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hdnd_crawler"
SQLITE = {"sqlite3", "_sqlite3", "sqlite_utils"}
CRAWLING = {"scrapy", "twisted", "trafilatura", "lxml"}

pytestmark = pytest.mark.processes


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports_directly(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


MODULES = _modules()
SPIDERS = [name for name in MODULES if "spiders" in name.split(".")]
EXTRACTION = [name for name in MODULES if "extract" in name.split(".")]
TALKING_TO_SQLITE = [
    name for name, path in MODULES.items() if _imports_directly(path) & (SQLITE | {"datasette"})
]


def loaded_with(module: str) -> set[str]:
    """The top-level names of every module that importing ``module`` loads."""
    script = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return {name.split(".")[0] for name in json.loads(result.stdout)}


def test_the_rules_see_the_modules_they_are_about():
    assert SPIDERS and EXTRACTION and TALKING_TO_SQLITE
    assert "hdnd_crawler.archive.store" in TALKING_TO_SQLITE


@pytest.mark.parametrize("module", SPIDERS)
def test_a_spider_loads_no_sqlite(module):
    assert not loaded_with(module) & SQLITE


@pytest.mark.parametrize("module", EXTRACTION)
def test_extraction_loads_no_scrapy_twisted_or_sqlite(module):
    assert not loaded_with(module) & (SQLITE | {"scrapy", "twisted"})


@pytest.mark.parametrize("module", TALKING_TO_SQLITE)
def test_what_talks_to_sqlite_loads_nothing_of_crawling(module):
    assert not loaded_with(module) & CRAWLING
