"""A small polite HTTP client for probing a site: a handful of GETs, robots.txt obeyed.

Not the crawler (no Scrapy here): the probe reads a few pages, one at a time, with the
crawler's honest User-Agent, a timeout, and a cap on the number of requests. Redirects are
followed by hand so that a site read through a mirror (``fetch_from``, e.g. a local replay of a
captured site) stays on the mirror, while every :class:`Page` is named by the site's own URL.
"""

from __future__ import annotations

import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit, urlunsplit

from hdnd_crawler import __version__

# As the crawler names itself (crawl/identity.py), saying which part of it is asking.
USER_AGENT = f"hdnd-crawler/{__version__} (archival crawler; sites add probe)"
TIMEOUT = 20.0
MAX_REQUESTS = 40
MAX_REDIRECTS = 5
MAX_BYTES = 8 * 1024 * 1024


class ProbeError(Exception):
    """The site cannot be probed (no answer, forbidden, not a news site): one line saying why."""


@dataclass(frozen=True)
class Page:
    """A page as the site answered it; ``url`` is the site's own URL after redirects."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self) -> str:
        """The body decoded by its declared charset (NukeViet sends UTF-8)."""
        message = Message()
        message["content-type"] = self.headers.get("content-type", "")
        charset = message.get_content_charset() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


# fetch(url) -> Page; raises ProbeError when the network fails.
Fetch = Callable[[str], Page]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None  # answered as the 3xx it is; PoliteFetch follows it


class PoliteFetch:
    """``fetch(url) -> Page`` for the site at ``base_url``, optionally read from ``fetch_from``.

    The site's robots.txt is read first; a URL it disallows raises :class:`ProbeError`, as does
    a network failure or going over ``max_requests``. Statuses (404, 500) are pages, not errors.
    """

    def __init__(
        self,
        base_url: str,
        fetch_from: str | None = None,
        *,
        timeout: float = TIMEOUT,
        max_requests: int = MAX_REQUESTS,
    ) -> None:
        self.base = origin(base_url)
        self.mirror = origin(fetch_from) if fetch_from else self.base
        self.timeout = timeout
        self.max_requests = max_requests
        self.requests = 0
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._robots: urllib.robotparser.RobotFileParser | None = None

    def _wire(self, url: str) -> str:
        """Where ``url`` of the site is requested: moved onto the mirror."""
        if origin(url) == self.base and self.mirror != self.base:
            parts = urlsplit(url)
            mirror = urlsplit(self.mirror)
            return urlunsplit((mirror.scheme, mirror.netloc, parts.path, parts.query, ""))
        return url

    def _site(self, url: str) -> str:
        """The site's own name of a URL on the mirror."""
        if origin(url) == self.mirror and self.mirror != self.base:
            parts = urlsplit(url)
            base = urlsplit(self.base)
            return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        return url

    def _get(self, url: str) -> Page:
        if self.requests >= self.max_requests:
            raise ProbeError(f"gave up after {self.max_requests} requests to {self.base}")
        self.requests += 1
        request = urllib.request.Request(
            self._wire(url), headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status, headers, body = response.status, response.headers, response.read(MAX_BYTES)
        except urllib.error.HTTPError as error:  # 3xx, 4xx, 5xx: an answer all the same
            status, headers, body = error.code, error.headers, error.read(MAX_BYTES)
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise ProbeError(f"{url} does not answer: {reason}") from error
        names = {name.lower(): value for name, value in headers.items()}
        return Page(self._site(url), status, names, body)

    def allowed(self, url: str) -> bool:
        """What the site's robots.txt says of ``url`` for us (no robots.txt: allowed)."""
        if self._robots is None:
            robots = urllib.robotparser.RobotFileParser()
            page = self._get(self.base + "/robots.txt")
            if page.status in (401, 403):  # as robotparser reads it: the whole site is closed
                robots.parse(["User-agent: *", "Disallow: /"])
            elif page.ok:
                robots.parse(page.text().splitlines())
            else:  # none there: everything allowed
                robots.parse([])
            self._robots = robots
        return self._robots.can_fetch(USER_AGENT, url)

    def __call__(self, url: str) -> Page:
        if not self.allowed(url):
            raise ProbeError(f"{self.base}'s robots.txt forbids us {urlsplit(url).path or '/'}")
        for _ in range(MAX_REDIRECTS + 1):
            page = self._get(url)
            location = page.headers.get("location")
            if page.status not in (301, 302, 303, 307, 308) or not location:
                return page
            url = self._site(urljoin(page.url, location))
            if origin(url) not in (self.base, self.mirror):
                return page  # off the site: the redirect itself is the answer
            if not self.allowed(url):
                raise ProbeError(f"{self.base}'s robots.txt forbids us {urlsplit(url).path}")
        raise ProbeError(f"{url}: more than {MAX_REDIRECTS} redirects")
