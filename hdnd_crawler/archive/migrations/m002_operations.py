"""Migration 2: where each content was captured, withdrawn articles, crawl runs, attachments.

Provenance: the capture (WARC record) an article's current content was read from. Withdrawn
articles are marked (gone_at, last_status), never deleted. A resumed full run records in
resume_from since when the articles archived were not fetched again.
"""

NAME = "captures, withdrawn articles, crawl runs, attachments"

STATEMENTS = (
    'ALTER TABLE "articles" ADD COLUMN "warc_file" TEXT',
    'ALTER TABLE "articles" ADD COLUMN "warc_record_id" TEXT',
    'ALTER TABLE "articles" ADD COLUMN "payload_digest" TEXT',
    'ALTER TABLE "articles" ADD COLUMN "fetched_at" TEXT',
    'ALTER TABLE "articles" ADD COLUMN "http_status" INTEGER',
    'ALTER TABLE "article_versions" ADD COLUMN "warc_file" TEXT',
    'ALTER TABLE "article_versions" ADD COLUMN "warc_record_id" TEXT',
    'ALTER TABLE "article_versions" ADD COLUMN "payload_digest" TEXT',
    'ALTER TABLE "article_versions" ADD COLUMN "fetched_at" TEXT',
    'ALTER TABLE "article_versions" ADD COLUMN "http_status" INTEGER',
    'ALTER TABLE "articles" ADD COLUMN "gone_at" TEXT',
    'ALTER TABLE "articles" ADD COLUMN "last_status" INTEGER',
    (
        'CREATE TABLE "crawl_runs" (\n'
        '   "run_id" INTEGER PRIMARY KEY,\n'
        '   "site" TEXT,\n'
        '   "mode" TEXT,\n'
        '   "started_at" TEXT,\n'
        '   "finished_at" TEXT,\n'
        '   "status" TEXT,\n'
        '   "exit_code" INTEGER,\n'
        '   "requests" INTEGER,\n'
        '   "new_articles" INTEGER,\n'
        '   "updated_articles" INTEGER,\n'
        '   "unchanged_articles" INTEGER,\n'
        '   "errors" INTEGER,\n'
        '   "errors_by_kind" TEXT,\n'
        '   "summary" TEXT,\n'
        '   "resume_from" TEXT\n'
        ")"
    ),
    ('CREATE INDEX "idx_crawl_runs_site_started_at"\n    ON "crawl_runs" ("site", "started_at")'),
    (
        'CREATE TABLE "attachments" (\n'
        '   "site" TEXT,\n'
        '   "article_id" INTEGER,\n'
        '   "url" TEXT,\n'
        '   "file_name" TEXT,\n'
        '   "media_type" TEXT,\n'
        '   "bytes" INTEGER,\n'
        '   "sha256" TEXT,\n'
        '   "fetched_at" TEXT,\n'
        '   "text" TEXT,\n'
        '   PRIMARY KEY ("site", "article_id", "url")\n'
        ")"
    ),
    ('CREATE INDEX "idx_attachments_sha256"\n    ON "attachments" ("sha256")'),
)
