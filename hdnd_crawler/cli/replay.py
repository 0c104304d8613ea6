"""``hdnd-crawler replay``: pywb over the crawl's WARC files, alone or beside another server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import click

from hdnd_crawler.browse.replay import COLLECTION, start


@click.command(context_settings={"allow_interspersed_args": False})
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="archive/warc",
    show_default=True,
)
@click.option("--port", type=int, default=8002, show_default=True)
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def replay(warc_dir: Path, port: int, command: tuple[str, ...]) -> None:
    """Serve the pages as captured, from the WARC files, with pywb on 127.0.0.1:PORT.

    Replay only: pywb is given no live web, recording or proxy, so it never contacts a site;
    a page missing from the WARCs is a 404. Its index is built afresh at each start. Given a
    COMMAND (after --), pywb runs in the background while COMMAND runs, and stops with it;
    COMMAND sees HDND_REPLAY_URL (unless already set) pointing at this pywb, and pywb's log
    goes to pywb.log beside the WARC directory instead of mixing with COMMAND's.

    \b
    Example:
        hdnd-crawler replay --port 8002
        hdnd-crawler replay -- datasette serve archive/hdnd.db
    """
    # A SIGTERM (make serve stopped, a test's killpg) unwinds like Ctrl-C: pywb is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    with tempfile.TemporaryDirectory(prefix="hdnd-pywb-") as work, ExitStack() as files:
        log = files.enter_context(open(warc_dir.parent / "pywb.log", "a")) if command else None
        try:
            pywb = start(Path(work), warc_dir, port, log=log.fileno() if log else None)
        except FileNotFoundError as exc:
            raise click.ClickException(str(exc)) from exc
        try:
            if command:
                env = {**os.environ}
                env.setdefault("HDND_REPLAY_URL", f"http://127.0.0.1:{port}/{COLLECTION}/")
                code = subprocess.run(command, env=env).returncode
            else:
                code = pywb.wait()
        except KeyboardInterrupt:
            code = 130
        finally:
            pywb.terminate()
            pywb.wait(timeout=30)
    sys.exit(code)
