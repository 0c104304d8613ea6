"""The captured WordPress fixture site and a registry entry for it, as `sites add` writes one."""

from __future__ import annotations

import json
from pathlib import Path

from hdnd_crawler.sites.registry import Site, registry

FIXTURE = Path(__file__).parent / "fixtures" / "wordpress"
CAPTURE = FIXTURE / "capture"

# What the generic probe finds on this site; `/sitemap.xml` is kept to exercise its 302.
ENTRY = """
[sites.wp]
cms = "generic"
name = "Hội đồng nhân dân tỉnh Cao Bằng"
base_url = "http://wp.test"
article_ids = "wordpress"
feed_paths = ["/feed/"]
sitemap_paths = ["/sitemap.xml"]

[sites.wp.patterns]
article = '^/\\d{4}/\\d{2}/[^/]+/$'

[sites.wp.selectors]
body = ".entry-content, .wp-block-post-content"
"""


def write_entry(directory: Path) -> Path:
    path = directory / "sites.toml"
    path.write_text(ENTRY, encoding="utf-8")
    return path


def wp_site(directory: Path) -> Site:
    return registry(write_entry(directory)).sites["wp"]


def expected() -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((FIXTURE / "expected").glob("*.json"))]


def expected_text(article_id: int) -> str:
    return (FIXTURE / "expected" / f"{article_id}.txt").read_text("utf-8")


def captured(path: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers captured for ``path`` (path and query)."""
    for line in (CAPTURE / "responses.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        if entry["url"] == path:
            return (CAPTURE / entry["body"]).read_bytes(), dict(entry["headers"])
    raise KeyError(path)
