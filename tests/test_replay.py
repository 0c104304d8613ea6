"""The replay server answers a captured site exactly as it was captured."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from devtools.testsite.replay import replay

pytestmark = pytest.mark.servers

CAPTURE = Path(__file__).parent / "fixtures" / "nukeviet-egov" / "capture"


def _records() -> list[dict]:
    with (CAPTURE / "responses.jsonl").open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def _get(base_url: str, target: str) -> http.client.HTTPResponse:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", target)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_a_captured_page_is_served_byte_for_byte():
    page = next(r for r in _records() if r["status"] == 200 and r["url"].endswith("-20.html"))
    with replay(CAPTURE) as base_url:
        response = _get(base_url, page["url"])
    assert response.status == 200
    assert response.body == (CAPTURE / page["body"]).read_bytes()
    assert response.getheader("Content-Type") == dict(page["headers"])["Content-Type"]


def test_a_page_asked_for_with_raw_utf8_or_other_escapes_is_found():
    tag = next(r for r in _records() if r["status"] == 200 and r["url"].startswith("/tag/"))
    with replay(CAPTURE) as base_url:
        response = _get(base_url, tag["url"].lower())  # %C3%A1 → %c3%a1
    assert response.status == 200
    assert response.body == (CAPTURE / tag["body"]).read_bytes()


def test_a_redirect_keeps_its_status_and_location():
    moved = next(r for r in _records() if r["status"] == 301)
    with replay(CAPTURE) as base_url:
        response = _get(base_url, moved["url"])
    assert response.status == 301
    assert response.getheader("Location") == dict(moved["headers"])["Location"]


def test_an_unknown_url_answers_the_captured_404_page():
    not_found = next(r for r in _records() if r["status"] == 404)
    with replay(CAPTURE) as base_url:
        response = _get(base_url, "/khong-ton-tai/bai-viet-khong-co-424242.html")
    assert response.status == 404
    assert response.body == (CAPTURE / not_found["body"]).read_bytes()
