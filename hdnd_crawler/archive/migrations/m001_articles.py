"""Migration 1: articles, their earlier versions, and the categories listing them."""

NAME = "articles, versions and categories"

STATEMENTS = (
    (
        'CREATE TABLE "articles" (\n'
        '   "site" TEXT NOT NULL,\n'
        '   "article_id" INTEGER NOT NULL,\n'
        '   "url" TEXT NOT NULL,\n'
        '   "title" TEXT NOT NULL,\n'
        '   "published_at" TEXT,\n'
        '   "updated_at" TEXT,\n'
        '   "main_category" TEXT,\n'
        '   "author" TEXT,\n'
        '   "source" TEXT,\n'
        '   "summary" TEXT,\n'
        '   "body_text" TEXT NOT NULL,\n'
        '   "body_html" TEXT,\n'
        '   "images" TEXT,\n'
        '   "attachments" TEXT,\n'
        '   "tags" TEXT,\n'
        '   "content_hash" TEXT NOT NULL,\n'
        '   "categories" TEXT,\n'
        '   "first_seen_at" TEXT,\n'
        '   "last_seen_at" TEXT,\n'
        '   "changed_at" TEXT,\n'
        '   PRIMARY KEY ("site", "article_id")\n'
        ")"
    ),
    (
        'CREATE TABLE "article_versions" (\n'
        '   "version_id" INTEGER PRIMARY KEY,\n'
        '   "site" TEXT,\n'
        '   "article_id" INTEGER,\n'
        '   "url" TEXT,\n'
        '   "title" TEXT,\n'
        '   "published_at" TEXT,\n'
        '   "updated_at" TEXT,\n'
        '   "main_category" TEXT,\n'
        '   "author" TEXT,\n'
        '   "source" TEXT,\n'
        '   "summary" TEXT,\n'
        '   "body_text" TEXT,\n'
        '   "body_html" TEXT,\n'
        '   "images" TEXT,\n'
        '   "attachments" TEXT,\n'
        '   "tags" TEXT,\n'
        '   "content_hash" TEXT,\n'
        '   "seen_from" TEXT,\n'
        '   "seen_until" TEXT\n'
        ")"
    ),
    (
        'CREATE INDEX "idx_article_versions_site_article_id"\n'
        '    ON "article_versions" ("site", "article_id")'
    ),
    (
        'CREATE TABLE "article_categories" (\n'
        '   "site" TEXT,\n'
        '   "article_id" INTEGER,\n'
        '   "category" TEXT,\n'
        '   "first_seen_at" TEXT,\n'
        '   PRIMARY KEY ("site", "article_id", "category")\n'
        ")"
    ),
    ('CREATE INDEX "idx_articles_published_at"\n    ON "articles" ("published_at")'),
)
