"""The local NukeViet-like server that tests and benchmarks crawl."""

from __future__ import annotations

from pathlib import Path

from devtools.testsite.server import SiteState, answer

OLD = "/ky-hop/ten-cu-7.html"
NEW = "/ky-hop/ten-moi-7.html"


def test_a_moved_article_asked_for_while_the_index_is_built_is_redirected(tmp_path, monkeypatch):
    for path in (NEW, "/tin-tuc/bai-khac-8.html"):
        file = tmp_path / path.lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("<html></html>", encoding="utf-8")
    state = SiteState(root=tmp_path)
    during: list = []
    walk = Path.rglob

    def rglob(self: Path, pattern: str):
        interrupt = not during
        during.append(None)
        for found in walk(self, pattern):
            if interrupt:  # a request answered on another thread, halfway through the walk
                during[0] = answer(state, OLD)
                interrupt = False
            yield found

    monkeypatch.setattr(Path, "rglob", rglob)
    assert state.article_paths() == {7: NEW, 8: "/tin-tuc/bai-khac-8.html"}
    reply = during[0]
    assert reply.status == 301 and reply.headers["Location"] == NEW
