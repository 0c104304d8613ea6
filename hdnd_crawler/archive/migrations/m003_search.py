"""Migration 3: the first search index, the publication year, attachment files.

The index held every text twice, as published and folded; migration 5 replaced it. The year is
computed on read, so it never disagrees with published_at: the year facet.
"""

NAME = "search index, publication year, attachment files"

STATEMENTS = (
    (
        "create virtual table articles_fts using fts5(title, summary, body, attachments, "
        "title_folded, summary_folded, body_folded, attachments_folded, tokenize = 'unicode61 "
        "remove_diacritics 2')"
    ),
    (
        "alter table articles add column published_year integer generated always as "
        "(cast(substr(published_at, 1, 4) as integer)) virtual"
    ),
    'ALTER TABLE "attachments" ADD COLUMN "path" TEXT',
    'ALTER TABLE "attachments" ADD COLUMN "warc_file" TEXT',
    'ALTER TABLE "attachments" ADD COLUMN "warc_record_id" TEXT',
    'ALTER TABLE "attachments" ADD COLUMN "payload_digest" TEXT',
    'ALTER TABLE "attachments" ADD COLUMN "http_status" INTEGER',
)
