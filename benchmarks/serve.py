"""Serve a site tree from a process of its own: ``python -m benchmarks.serve ROOT``.

Prints the base URL, then serves until its standard input closes. Apart from the harness and
the crawler, the server's CPU time is its own and cannot slow the process being measured.
"""

from __future__ import annotations

import sys
from pathlib import Path

from devtools.testsite.server import SiteState, serve


def main() -> None:
    state = SiteState(root=Path(sys.argv[1]))
    state.article_paths()  # index the tree before the first timed request
    with serve(state) as base_url:
        print(base_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
