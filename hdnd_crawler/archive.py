"""The archive database: the only module that knows the schema. Changes go in as migrations."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from hdnd_crawler.items import content_hash

Outcome = Literal["new", "updated", "unchanged"]
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
)


# Where the stored content was read: a WARC record, and the HTTP exchange it holds.
CAPTURE_FIELDS = ("warc_file", "warc_record_id", "payload_digest", "fetched_at", "http_status")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _migration_1_articles(db: sqlite_utils.Database) -> None:
    text_columns = {name: str for name in VERSIONED_FIELDS}
    db["articles"].create(
        {
            "site": str,
            "article_id": int,
            **text_columns,
            "categories": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "changed_at": str,
        },
        pk=("site", "article_id"),
        not_null={"site", "article_id", "url", "title", "body_text", "content_hash"},
    )
    db["article_versions"].create(
        {
            "version_id": int,
            "site": str,
            "article_id": int,
            **text_columns,
            "seen_from": str,
            "seen_until": str,
        },
        pk="version_id",
    )
    db["article_versions"].create_index(["site", "article_id"])
    db["article_categories"].create(
        {"site": str, "article_id": int, "category": str, "first_seen_at": str},
        pk=("site", "article_id", "category"),
    )
    db["articles"].create_index(["published_at"])


def _migration_2_operations(db: sqlite_utils.Database) -> None:
    # Provenance: the capture (WARC record) an article's current content was read from.
    for table in ("articles", "article_versions"):
        for column in CAPTURE_FIELDS:
            db[table].add_column(column, int if column == "http_status" else str)
    # Withdrawn articles are marked, never deleted.
    db["articles"].add_column("gone_at", str)
    db["articles"].add_column("last_status", int)
    db["crawl_runs"].create(
        {
            "run_id": int,
            "site": str,
            "mode": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "exit_code": int,
            "requests": int,
            "new_articles": int,
            "updated_articles": int,
            "unchanged_articles": int,
            "errors": int,
            "errors_by_kind": str,
            "summary": str,
        },
        pk="run_id",
    )
    db["attachments"].create(
        {
            "site": str,
            "article_id": int,
            "url": str,
            "file_name": str,
            "media_type": str,
            "bytes": int,
            "sha256": str,
            "fetched_at": str,
            "text": str,
        },
        pk=("site", "article_id", "url"),
    )
    db["attachments"].create_index(["sha256"])


# Append only: a migration, once released, never changes.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("articles, versions and categories", _migration_1_articles),
    ("captures, withdrawn articles, crawl runs, attachments", _migration_2_operations),
]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply the migrations this database lacks, each in its own transaction; the version."""
    if "schema_migrations" not in db.table_names():
        db["schema_migrations"].create(
            {"version": int, "name": str, "applied_at": str}, pk="version"
        )
    applied = {row["version"] for row in db["schema_migrations"].rows}
    for version, (name, apply) in enumerate(MIGRATIONS, start=1):
        if version in applied:
            continue
        with db.conn:
            apply(db)
            db["schema_migrations"].insert(
                {"version": version, "name": name, "applied_at": utc_now()}
            )
    return len(MIGRATIONS)


def _encode(record: dict[str, Any]) -> dict[str, Any]:
    return {
        k: json.dumps(v, ensure_ascii=False) if k in JSON_FIELDS else v for k, v in record.items()
    }


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.loads(v) if k in JSON_FIELDS and v is not None else v for k, v in row.items()}


class Archive:
    """An open archive file. Every write is one transaction: a killed crawl leaves no half row."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.conn.execute("PRAGMA journal_mode=WAL")
        self.db.conn.execute("PRAGMA synchronous=NORMAL")
        self.db.conn.execute("PRAGMA busy_timeout=10000")
        migrate(self.db)

    def close(self) -> None:
        self.db.conn.close()

    def get_article(self, site: str, article_id: int) -> dict[str, Any] | None:
        rows = self.db.query(
            "select * from articles where site = ? and article_id = ?", [site, article_id]
        )
        row = next(iter(rows), None)
        return _decode(row) if row else None

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
        record = asdict(article) if is_dataclass(article) else dict(article)
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
                    "site": site,
                    "article_id": article_id,
                    **values,
                    "categories": record["categories"],
                    "first_seen_at": seen_at,
                    "last_seen_at": seen_at,
                    "changed_at": seen_at,
                }
                self._insert("articles", row)
                return "new"
            if current["content_hash"] == record["content_hash"]:
                # Only the sighting, and categories learnt since, are news.
                update = {"last_seen_at": seen_at, "categories": record["categories"]}
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
            update = {
                **values,
                "categories": record["categories"],
                "last_seen_at": seen_at,
                "changed_at": seen_at,
            }
            self._update(site, article_id, update)
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
