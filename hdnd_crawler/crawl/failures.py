"""A failed request's kind, for stats, ``crawl_runs.errors_by_kind`` and the exit status."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

KINDS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, net.TimeoutError, net.TCPTimedOutError), "timeout"),
    ((ResponseDataLossError,), "data_loss"),
    ((DownloadCancelledError,), "too_large"),
    ((CannotResolveHostError, net.DNSLookupError), "dns"),
    (
        (
            DownloadConnectionRefusedError,
            DownloadFailedError,
            net.ConnectError,
            net.ConnectionLost,
            net.ConnectionDone,
            ResponseFailed,
            ResponseNeverReceived,
        ),
        "connection",
    ),
)


def failure_kind(failure: Failure) -> str:
    """``http_<status>``, ``timeout``, ``connection``, ``redirect_loop``, ``too_large``, …"""
    exc = failure.value
    response = getattr(exc, "response", None)
    if response is not None:
        return f"http_{response.status}"
    for types, kind in KINDS:
        if isinstance(exc, types):
            return kind
    if isinstance(exc, IgnoreRequest):
        message = str(exc).lower()
        if "redirect" in message:
            return "redirect_loop"
        if "robots" in message:
            return "robots"
        return "ignored"
    return type(exc).__name__
