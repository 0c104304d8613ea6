"""The archive's Datasette as ``make serve`` configures it, served in process: its metadata,
its templates and, for tests of what readers see, its settings (the Makefile's ``serve``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette

from tests.conftest import REPO

METADATA = yaml.safe_load((REPO / "archive" / "metadata.yml").read_text("utf-8"))
TEMPLATES = str(REPO / "archive" / "templates")
SETTINGS = {
    "truncate_cells_html": 300,
    "suggest_facets": False,
    "default_page_size": 20,
    "facet_time_limit_ms": 1000,
}


def in_process(db: Path, settings: dict[str, Any] | None = None) -> Datasette:
    """Datasette over the archive at ``db``, with make serve's metadata and templates."""
    return Datasette([str(db)], metadata=METADATA, template_dir=TEMPLATES, settings=settings)
