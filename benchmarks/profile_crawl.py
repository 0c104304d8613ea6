"""Where a full crawl spends its CPU: ``python -m benchmarks.profile_crawl [--articles N]``.

The same crawl as the throughput figure (``hdnd-crawler crawl --full``, politeness off) of a
generated site, run under cProfile; profiling slows it down, so read shares, not seconds.
"""

from __future__ import annotations

import argparse
import pstats
import tempfile
from pathlib import Path

from benchmarks.extraction import print_profile
from benchmarks.measure import FAST_CRAWL, PYTHON, check, run, served
from devtools.testsite.generate import generate_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hdnd-profile-") as tmp:
        work = Path(tmp)
        site = generate_site(work / "site", args.articles, seed=2)
        profile = work / "crawl.prof"
        with served(site.root) as server:
            command = [PYTHON, "-m", "cProfile", "-o", str(profile), "-m", "hdnd_crawler"]
            command += ["crawl", "--full", "--base-url", server.base_url]
            command += ["--db", str(work / "hdnd.db")]
            for name, value in FAST_CRAWL.items():
                command += ["--set", f"{name}={value}"]
            result = run(command, work / "crawl.log")
        check(result, "the profiled crawl")
        print(f"{args.articles} articles: {result.wall:.0f} s wall, {result.cpu:.0f} s CPU")
        print_profile(pstats.Stats(str(profile)))


if __name__ == "__main__":
    main()
