"""Run a command and record its own resources: ``python -m benchmarks.rusage OUT -- COMMAND…``.

Linux starts a child's peak-RSS count from the size of the process it was forked from, so a
command started straight from the (large) harness would report at least the harness's size.
Started from this small process, the command's ``ru_maxrss`` is its own. OUT receives JSON:
exit code, wall seconds, user and system CPU seconds, peak RSS in KiB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    out, separator, *command = sys.argv[1:]
    if separator != "--" or not command:
        sys.exit("usage: python -m benchmarks.rusage OUT -- COMMAND...")
    start = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    record = {
        "returncode": process.returncode,
        "wall": wall,
        "utime": usage.ru_utime,
        "stime": usage.ru_stime,
        "maxrss_kib": usage.ru_maxrss,
    }
    Path(out).write_text(json.dumps(record), "utf-8")
    sys.exit(process.returncode if process.returncode >= 0 else 1)


if __name__ == "__main__":
    main()
