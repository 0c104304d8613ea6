"""The archive database: articles, their versions, attachments and crawl runs, written and read.

The schema is :mod:`hdnd_crawler.archive.schema`'s; the constants below name its columns for the
rows this module writes, and a new column needs a migration there.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from hdnd_crawler.archive.readings import alias_keys, aliases_fingerprint, text_tokens
from hdnd_crawler.archive.schema import (
    ALIASES_BUILT_SQL,
    NOT_AN_ARCHIVE,
    NotAnArchive,
    another_database,
    check_version,
    migrate,
)
from hdnd_crawler.archive.textfold import fold
from hdnd_crawler.records import Sighting, Sightings, content_hash

Outcome = Literal["new", "updated", "unchanged"]
logger = logging.getLogger(__name__)
_TABLES_SQL = "select name from sqlite_master where type = 'table'"
JSON_FIELDS = ("categories", "images", "attachments", "tags")
# Columns an article row and a version row share: what was published, as extracted.
VERSIONED_FIELDS = (
    "url",
    "title",
    "published_at",
    "updated_at",
    "main_category",
    "author",
    "source",
    "summary",
    "body_text",
    "body_html",
    "images",
    "attachments",
    "tags",
    "content_hash",
    "extracted_by",
)


# Where the stored content was read: a WARC record, and the HTTP exchange it holds.
CAPTURE_FIELDS = ("warc_file", "warc_record_id", "payload_digest", "fetched_at", "http_status")
# A column of any query over articles: the article's site by its name, as its crawls recorded
# it in the sites table, else by its slug.
SITE_NAME = (
    "coalesce((select name from sites where sites.slug = articles.site), articles.site)"
    " as site_name"
)
# An article page that was just read is, whatever it was before, not withdrawn.
SEEN = {"gone_at": None, "last_status": 200}
# Runs that stopped before their end; a full one of these is resumed by the next full run.
UNFINISHED_RUN = ("running", "killed", "interrupted", "failed")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Search index columns: each text folded (textfold: no marks, đ → d), so that a query typed
# with or without diacritics is folded alike and matches; SQLite alone never folds đ to d.
# Folded text has one character per character of the published text, so hits found in it are
# shown in the published text; the attachments' published text has no other home, hence its
# unindexed column.
SEARCH_COLUMNS = ("title", "summary", "body", "attachments")
# Beside each, the keys of the abbreviations' forms it holds (migration 9): a long form found by
# its key counts where it is written.
ALIAS_COLUMNS = tuple(f"{name}_aliases" for name in SEARCH_COLUMNS)
# A downloaded attachment: the file, its text, where it is stored and the capture it came from.
ATTACHMENT_FIELDS = (
    "file_name",
    "media_type",
    "bytes",
    "sha256",
    "fetched_at",
    "text",
    "path",
    "warc_file",
    "warc_record_id",
    "payload_digest",
    "http_status",
)
# An article's rowid (shared by its search row) orders articles by publication: seconds since
# 1970 times this, plus the id modulo this. The newest matches of a search are then the first
# rows of the index, read without ranking or sorting every match.
ROWID_SLOTS = 1024


def _published_seconds(published_at: str | None) -> int:
    try:
        published = datetime.fromisoformat(published_at or "")
    except ValueError:
        return 0
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return int(published.timestamp())


def article_rowid(
    conn: sqlite3.Connection, published_at: str | None, article_id: int, current: int | None
) -> int:
    """The rowid an article published at ``published_at`` takes; ``current`` if it is still right.

    Articles published in the same second take the next free value.
    """
    seconds = _published_seconds(published_at)
    if current is not None and current // ROWID_SLOTS == seconds:
        return current
    rowid = seconds * ROWID_SLOTS + article_id % ROWID_SLOTS
    while conn.execute("select 1 from articles where rowid = ?", [rowid]).fetchone():
        rowid += 1
    return rowid


def _attachments_text(conn: sqlite3.Connection, site: str, article_id: int) -> str:
    files = conn.execute(
        "select file_name, text from attachments where site = ? and article_id = ? order by url",
        [site, article_id],
    ).fetchall()
    return "\n\n".join(part for name, text in files for part in (name, text) if part)


def _index_article(
    conn: sqlite3.Connection, site: str, article_id: int, previous_rowid: int | None = None
) -> None:
    """(Re)build the search row of one article from its row and its attachments' text.

    ``previous_rowid``: the rowid the article had before this change, if it moved.
    """
    row = conn.execute(
        "select rowid, title, summary, body_text from articles where site = ? and article_id = ?",
        [site, article_id],
    ).fetchone()
    if row is None:
        return
    rowid, *texts = row
    published = [
        unicodedata.normalize("NFC", t or "")
        for t in (*texts, _attachments_text(conn, site, article_id))
    ]
    conn.execute("delete from articles_fts where rowid in (?, ?)", [rowid, previous_rowid])
    folded = [fold(t) for t in published]
    names = ("rowid", *SEARCH_COLUMNS, "attachments_text", *ALIAS_COLUMNS)
    columns, marks = ", ".join(names[1:]), ", ".join("?" for _ in names)
    conn.execute(
        f"insert into articles_fts (rowid, {columns}) values ({marks})",
        [rowid, *folded, published[-1], *map(_aliases, folded)],
    )


def _aliases(folded: str) -> str:
    """The aliases column beside a folded text: the key of each abbreviation's form it holds
    (hdnd_crawler.archive.readings)."""
    return " ".join(alias_keys(text_tokens(folded)))


def refresh_search_index(conn: sqlite3.Connection) -> int:
    """Build the search index again where the list of abbreviations it was built with is not
    this code's: every article when it was never built (migration 9), else the aliases of each
    search row. The number of articles whose search row changed; one transaction."""
    fingerprint = aliases_fingerprint()
    if conn.execute("select 1 from sqlite_master where name = 'search_index'").fetchone() is None:
        return 0  # an archive written before migration 9, as the migration tests make them
    conn.execute("begin immediate")
    with conn:
        built = conn.execute(ALIASES_BUILT_SQL).fetchone()
        if built is not None and built[0] == fingerprint:
            return 0
        changed = 0
        if built is None:
            for site, article_id in conn.execute("select site, article_id from articles"):
                _index_article(conn, site, article_id)
                changed += 1
        else:
            names = ", ".join((*SEARCH_COLUMNS, *ALIAS_COLUMNS))
            rows = conn.execute(f"select rowid, {names} from articles_fts").fetchall()
            assign = ", ".join(f"{name} = ?" for name in ALIAS_COLUMNS)
            for rowid, *texts in rows:
                found = [_aliases(text) for text in texts[: len(SEARCH_COLUMNS)]]
                if found != texts[len(SEARCH_COLUMNS) :]:
                    sql = f"update articles_fts set {assign} where rowid = ?"
                    conn.execute(sql, [*found, rowid])
                    changed += 1
        conn.execute(
            "insert or replace into search_index (name, value) values ('aliases', ?)",
            [fingerprint],
        )
    return changed


# The article list's facets, as the triggers of migration 6 count them (a change here needs a
# migration). Columns holding one value each, counted by value:
FACET_COLUMNS = ("site", "main_category", "author", "published_year")
# Columns holding a JSON list, counted by element (a value listed twice counts twice).
FACET_LISTS = ("categories",)
FACET_COUNTS = "article_facet_counts"


def _encode(record: dict[str, Any]) -> dict[str, Any]:
    return {
        k: json.dumps(v, ensure_ascii=False) if k in JSON_FIELDS else v for k, v in record.items()
    }


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.loads(v) if k in JSON_FIELDS and v is not None else v for k, v in row.items()}


_SIGHTINGS_SQL = "select article_id, url, published_at, last_seen_at, gone_at from articles"


class ArchivedSightings:
    """A site's sightings read from the archive when asked. An incremental run asks after the
    articles its first listing pages show and the recently published ones: a cost that does
    not grow with the archive."""

    def __init__(self, conn: sqlite3.Connection, site: str) -> None:
        self._conn, self._site = conn, site

    def _read(self, sql: str, params: list[Any]) -> list[Sighting]:
        # Read to the end: no statement is left open holding a snapshot while the crawl writes.
        return list(map(Sighting._make, self._conn.execute(sql, params).fetchall()))

    def get(self, article_id: int) -> Sighting | None:
        sql = f"{_SIGHTINGS_SQL} where site = ? and article_id = ?"
        found = self._read(sql, [self._site, article_id])
        return found[0] if found else None

    def all(self) -> list[Sighting]:
        return self._read(f"{_SIGHTINGS_SQL} where site = ?", [self._site])

    def published_since(self, when: datetime) -> list[Sighting]:
        # Rowids follow publication (article_rowid): the recent articles are the last rows. A
        # collision moves a rowid up, never down, so none published since `when` is left out.
        # "+site" keeps the planner on the rowid range instead of the index of every article.
        first = int(when.timestamp()) * ROWID_SLOTS
        sql = f"{_SIGHTINGS_SQL} where rowid >= ? and +site = ?"
        return self._read(sql, [first, self._site])

    def has_attachment(self, article_id: int, url: str) -> bool:
        sql = "select 1 from attachments where site = ? and article_id = ? and url = ?"
        return self._conn.execute(sql, [self._site, article_id, url]).fetchone() is not None

    def __len__(self) -> int:
        sql = "select count(*) from articles where site = ?"
        return self._conn.execute(sql, [self._site]).fetchone()[0]


def _refuse_another_database(path: Path) -> None:
    """:class:`NotAnArchive` for an SQLite file that is plainly another database, found without
    leaving anything beside it.

    A reader of a WAL database makes PATH-shm and PATH-wal beside it, and cannot remove them on
    closing; opened ``immutable``, SQLite reads the main file alone and creates nothing. That
    file holds at least the tables of any archive's first checkpoint, so a file that has tables,
    but not an archive's, is another database. Anything less clear (no table yet, a page read
    while a writer checkpoints) is left to the reader's own check."""
    probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        tables = {name for (name,) in probe.execute(_TABLES_SQL)}
    except sqlite3.DatabaseError:
        return
    finally:
        probe.close()
    if another_database(tables):
        raise NotAnArchive(NOT_AN_ARCHIVE.format(path=path))


def _connect_readonly(path: Path) -> sqlite3.Connection:
    # mode=ro: SQLite refuses every write. A reader of a WAL archive still shares PATH-shm and
    # PATH-wal with any crawl writing meanwhile, so SQLite creates them (an empty log) when a
    # clean close removed them; the archive file itself is never written.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _as_record(given: Any) -> dict[str, Any]:
    """A record given as a dataclass (a crawled item) or as a mapping."""
    if is_dataclass(given) and not isinstance(given, type):
        return asdict(given)
    return dict(given)


class Archive:
    """An open archive file. Every write is one transaction: a killed crawl leaves no half row.

    A writer (the default) creates the file if need be and migrates it to the latest schema.
    ``readonly`` opens it without ever writing, and raises
    :class:`~hdnd_crawler.archive.schema.ArchiveError` unless it is an archive at that schema.
    ``schema_versions``: the schema version the file had when opened, and the one it has now.
    """

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = Path(path)
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if readonly:
            _refuse_another_database(self.path)
        conn = _connect_readonly(self.path) if readonly else sqlite3.connect(self.path)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            if readonly:
                version = check_version(conn, self.path)
                self.schema_versions = (version, version)
                self.reindexed = 0
            else:
                conn.execute("PRAGMA synchronous=NORMAL")
                self.schema_versions = migrate(conn, self.path)
                self.reindexed = refresh_search_index(conn)
                # After migrate: it refuses a file that is not an archive before this writes.
                conn.execute("PRAGMA journal_mode=WAL")
        except BaseException:
            conn.close()
            raise
        self.db = sqlite_utils.Database(conn)
        if self.reindexed:
            # One b-tree per write: a rebuilt index would otherwise be read in dozens of them.
            self.merge_search_index()

    def close(self) -> None:
        self.db.conn.close()

    def get_article(self, site: str, article_id: int) -> dict[str, Any] | None:
        rows = self.db.query(
            "select * from articles where site = ? and article_id = ?", [site, article_id]
        )
        row = next(iter(rows), None)
        return _decode(row) if row else None

    def _rowid(self, site: str, article_id: int) -> int:
        sql = "select rowid from articles where site = ? and article_id = ?"
        return self.db.conn.execute(sql, [site, article_id]).fetchone()[0]

    def _categories(self, site: str, article_id: int, main: str) -> list[str]:
        others = sorted(
            row["category"]
            for row in self.db.query(
                "select category from article_categories where site = ? and article_id = ?",
                [site, article_id],
            )
            if row["category"] != main
        )
        return ([main] if main else []) + others

    def upsert_article(self, article: Any, seen_at: str | None = None) -> Outcome:
        """Store an extracted article; a changed one keeps its previous content as a version."""
        record = _as_record(article)
        seen_at = seen_at or utc_now()
        record["content_hash"] = content_hash(record)
        site, article_id = record["site"], record["article_id"]
        with self.db.conn:
            if record.get("main_category"):
                self._add_category(site, article_id, record["main_category"], seen_at)
            record["categories"] = self._categories(site, article_id, record["main_category"])
            current = self.get_article(site, article_id)
            capture = record.get("capture") or {}
            values = {
                **{k: record.get(k) for k in VERSIONED_FIELDS},
                **{k: capture.get(k) for k in CAPTURE_FIELDS},
            }
            if current is None:
                row = {
                    "rowid": article_rowid(self.db.conn, values["published_at"], article_id, None),
                    "site": site,
                    "article_id": article_id,
                    **values,
                    "categories": record["categories"],
                    "first_seen_at": seen_at,
                    "last_seen_at": seen_at,
                    "changed_at": seen_at,
                    "last_status": 200,
                }
                self._insert("articles", row)
                _index_article(self.db.conn, site, article_id)
                return "new"
            if current["content_hash"] == record["content_hash"]:
                # Only the sighting, and categories learnt since, are news.
                update = {"last_seen_at": seen_at, "categories": record["categories"], **SEEN}
                self._update(site, article_id, update)
                return "unchanged"
            version = {k: current.get(k) for k in (*VERSIONED_FIELDS, *CAPTURE_FIELDS)}
            self._insert(
                "article_versions",
                {
                    "site": site,
                    "article_id": article_id,
                    **version,
                    "seen_from": current["changed_at"],
                    "seen_until": seen_at,
                },
            )
            previous_rowid = self._rowid(site, article_id)
            update = {
                **values,
                "categories": record["categories"],
                "last_seen_at": seen_at,
                "changed_at": seen_at,
                **SEEN,
                # A new publication time moves the article in rowid (publication) order.
                "rowid": article_rowid(
                    self.db.conn, values["published_at"], article_id, previous_rowid
                ),
            }
            self._update(site, article_id, update)
            _index_article(self.db.conn, site, article_id, previous_rowid)
            return "updated"

    # sqlite-utils' insert/update commit on their own; these stay inside the caller's transaction.
    def _insert(self, table: str, row: dict[str, Any]) -> None:
        row = _encode(row)
        columns = ", ".join(f"[{c}]" for c in row)
        marks = ", ".join("?" for _ in row)
        self.db.conn.execute(
            f"insert into [{table}] ({columns}) values ({marks})", list(row.values())
        )

    def _update(self, site: str, article_id: int, values: dict[str, Any]) -> None:
        values = _encode(values)
        assignments = ", ".join(f"[{c}] = ?" for c in values)
        self.db.conn.execute(
            f"update articles set {assignments} where site = ? and article_id = ?",
            [*values.values(), site, article_id],
        )

    def _add_category(self, site: str, article_id: int, category: str, seen_at: str) -> bool:
        cursor = self.db.conn.execute(
            "insert or ignore into article_categories (site, article_id, category, first_seen_at)"
            " values (?, ?, ?, ?)",
            [site, article_id, category, seen_at],
        )
        return cursor.rowcount > 0

    def add_category(
        self, site: str, article_id: int, category: str, seen_at: str | None = None
    ) -> None:
        """Record that a category lists the article; its row (if stored) learns the category."""
        with self.db.conn:
            if not self._add_category(site, article_id, category, seen_at or utc_now()):
                return
            current = self.get_article(site, article_id)
            if current is not None:
                categories = self._categories(site, article_id, current["main_category"])
                self._update(site, article_id, {"categories": categories})

    def articles(self, site: str | None = None) -> list[dict[str, Any]]:
        sql = "select * from articles" + (" where site = ?" if site else "")
        return [
            _decode(r)
            for r in self.db.query(sql + " order by site, article_id", [site] if site else [])
        ]

    def versions(self, site: str, article_id: int) -> list[dict[str, Any]]:
        rows = self.db.query(
            "select * from article_versions where site = ? and article_id = ? order by version_id",
            [site, article_id],
        )
        return [_decode(r) for r in rows]

    def iter_articles(
        self, site: str | None = None, since: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Articles oldest first, read as they are consumed, each with its site's name;
        ``since`` bounds the publication."""
        where, params = self._article_filter(site, since)
        cursor = self.db.conn.execute(
            f"select articles.*, {SITE_NAME} from articles{where}"
            " order by published_at, site, article_id",
            params,
        )
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield _decode(dict(zip(names, values, strict=True)))

    def count_articles(self, site: str | None = None, since: str | None = None) -> int:
        where, params = self._article_filter(site, since)
        return self.db.conn.execute(f"select count(*) from articles{where}", params).fetchone()[0]

    @staticmethod
    def _article_filter(site: str | None, since: str | None) -> tuple[str, list[str]]:
        conditions = [(c, v) for c, v in (("site = ?", site), ("published_at >= ?", since)) if v]
        where = " where " + " and ".join(c for c, _ in conditions) if conditions else ""
        return where, [v for _, v in conditions]

    # --- attachments ------------------------------------------------------------------
    def upsert_attachment(self, attachment: Any) -> Outcome:
        """Store a downloaded attachment's row; the article's search row learns its text."""
        record = _as_record(attachment)
        record = {**record, **{k: v for k, v in (record.get("capture") or {}).items() if v}}
        key = [record["site"], record["article_id"], record["url"]]
        values = {k: record.get(k) for k in ATTACHMENT_FIELDS}
        values["fetched_at"] = values["fetched_at"] or utc_now()
        with self.db.conn:
            current = self.db.conn.execute(
                "select sha256 from attachments where site = ? and article_id = ? and url = ?", key
            ).fetchone()
            if current is not None and current[0] == values["sha256"]:
                return "unchanged"
            if current is None:
                row = {"site": key[0], "article_id": key[1], "url": key[2], **values}
                self._insert("attachments", row)
            else:
                assignments = ", ".join(f"[{c}] = ?" for c in values)
                self.db.conn.execute(
                    f"update attachments set {assignments}"
                    " where site = ? and article_id = ? and url = ?",
                    [*values.values(), *key],
                )
            _index_article(self.db.conn, key[0], key[1])
            return "new" if current is None else "updated"

    def search_segments(self) -> int:
        """How many b-trees (segments) the search index is made of."""
        # FTS5's own table of b-tree pages, one or more rows per b-tree.
        query = "select count(distinct segid) from articles_fts_idx"
        return self.db.conn.execute(query).fetchone()[0]

    def merge_search_index(self) -> None:
        """Merge the search index into one b-tree.

        Each committed write adds a b-tree to the FTS5 index, and FTS5 merges them only in
        part: a 50,000-article crawl left 21. A search that reads the index at given rows (the
        ranked query's snippets) seeks in every one of them; merged, it costs a few
        milliseconds instead of 10-35. The merge rewrites the index: about 3 s at 50,000 articles.
        """
        started, segments = time.monotonic(), self.search_segments()
        with self.db.conn:
            self.db.conn.execute("insert into articles_fts (articles_fts) values ('optimize')")
        logger.info(
            "Search index merged from %d b-trees into one in %.1f s",
            segments,
            time.monotonic() - started,
        )

    def attachments(self, site: str | None = None) -> list[dict[str, Any]]:
        sql = "select * from attachments" + (" where site = ?" if site else "")
        return list(self.db.query(sql + " order by site, article_id, url", [site] if site else []))

    # --- captures of images -----------------------------------------------------------
    def record_capture(self, image: Any) -> Outcome:
        """Keep where an article's image lies in the WARC files (an ``ImageCapture``)."""
        record = _as_record(image)
        capture = record.get("capture") or {}
        if capture.get("offset") is None or not capture.get("warc_file"):
            return "unchanged"  # no WARC written (WARC_ENABLED off): nothing to point at
        row = {
            "url": record["url"],
            "warc_file": capture["warc_file"],
            "offset": capture["offset"],
            "length": capture["length"],
            "content_type": record.get("content_type") or None,
            "fetched_at": capture.get("fetched_at") or utc_now(),
            "site": record.get("site"),
            "article_id": record.get("article_id"),
        }
        with self.db.conn:
            self.db.conn.execute(
                "insert or replace into captures (url, warc_file, offset, length, content_type,"
                " fetched_at, site, article_id) values (:url, :warc_file, :offset, :length,"
                " :content_type, :fetched_at, :site, :article_id)",
                row,
            )
        return "new"

    # --- sites ------------------------------------------------------------------------
    def record_site(self, site: dict[str, str], seen_at: str | None = None) -> None:
        """Keep a crawled site's name and address (``slug``, ``name``, ``base_url``, ``cms``)."""
        seen_at = seen_at or utc_now()
        with self.db.conn:
            self.db.conn.execute(
                "insert into sites (slug, name, base_url, cms, first_seen_at, last_seen_at)"
                " values (:slug, :name, :base_url, :cms, :seen, :seen)"
                " on conflict (slug) do update set name = excluded.name,"
                " base_url = excluded.base_url, cms = excluded.cms, last_seen_at = :seen",
                {**{k: site[k] for k in ("slug", "name", "base_url", "cms")}, "seen": seen_at},
            )

    def count_sites(self) -> int:
        """How many sites have articles here."""
        sql = "select count(*) from (select distinct site from articles)"
        return self.db.conn.execute(sql).fetchone()[0]

    def sites(self) -> dict[str, dict[str, Any]]:
        """The sites crawled into this archive, by slug."""
        rows = self.db.query("select * from sites order by slug")
        return {row["slug"]: row for row in rows}

    # --- crawl bookkeeping --------------------------------------------------------------
    def sightings(self, site: str) -> Sightings:
        """What a full crawl plans with: id, url, publication, last sighting and withdrawal of
        every article of ``site``, read as tuples from the covering index, and which
        attachments are stored."""
        rows = self.db.conn.execute(f"{_SIGHTINGS_SQL} where site = ?", [site])
        files = self.db.conn.execute(
            "select article_id, url from attachments where site = ?", [site]
        )
        return Sightings(map(Sighting._make, rows), map(tuple, files))

    def sightings_on_demand(self, site: str) -> ArchivedSightings:
        """The same, read one article at a time as an incremental crawl asks: while this
        archive is open."""
        return ArchivedSightings(self.db.conn, site)

    def mark_gone(self, site: str, article_id: int, status: int, at: str | None = None) -> bool:
        """Mark a withdrawn article (the row stays); True when it was not marked before."""
        key = [site, article_id]
        with self.db.conn:
            row = self.db.conn.execute(
                "select gone_at from articles where site = ? and article_id = ?", key
            ).fetchone()
            if row is None:
                return False
            self.db.conn.execute(
                "update articles set gone_at = coalesce(gone_at, ?), last_status = ?"
                " where site = ? and article_id = ?",
                [at or utc_now(), status, *key],
            )
            return row[0] is None

    def start_run(
        self, site: str, mode: str, started_at: str | None = None, resume_from: str | None = None
    ) -> int:
        """A ``crawl_runs`` row for a run that starts now; its id."""
        with self.db.conn:
            cursor = self.db.conn.execute(
                "insert into crawl_runs (site, mode, started_at, status, resume_from)"
                " values (?, ?, ?, 'running', ?)",
                [site, mode, started_at or utc_now(), resume_from],
            )
            assert cursor.lastrowid is not None  # an insert into a rowid table sets it
            return cursor.lastrowid

    def finish_run(self, run_id: int, values: dict[str, Any]) -> None:
        """Record how run ``run_id`` ended (status, exit code, counts, summary)."""
        values = {"finished_at": utc_now(), **values}
        if isinstance(values.get("errors_by_kind"), dict):
            values["errors_by_kind"] = json.dumps(values["errors_by_kind"], sort_keys=True)
        assignments = ", ".join(f"[{c}] = ?" for c in values)
        with self.db.conn:
            self.db.conn.execute(
                f"update crawl_runs set {assignments} where run_id = ?", [*values.values(), run_id]
            )

    def close_stale_runs(self, site: str) -> int:
        """Runs still marked running (their process died: the caller holds the lock) → killed."""
        with self.db.conn:
            cursor = self.db.conn.execute(
                "update crawl_runs set status = 'killed' where site = ? and status = 'running'",
                [site],
            )
            return cursor.rowcount

    def last_run(self, site: str, mode: str | None = None) -> dict[str, Any] | None:
        sql = "select * from crawl_runs where site = ?" + (" and mode = ?" if mode else "")
        params = [site, mode] if mode else [site]
        rows = self.db.query(sql + " order by run_id desc limit 1", params)
        return next(iter(rows), None)

    def runs(self, site: str | None = None) -> list[dict[str, Any]]:
        sql = "select * from crawl_runs" + (" where site = ?" if site else "")
        return list(self.db.query(sql + " order by run_id", [site] if site else []))
