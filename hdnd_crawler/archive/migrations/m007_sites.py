"""Migration 7: many sites in one archive, and how each row was extracted.

``sites`` holds each crawled site's name and address, as its crawls give them, so that readers
of the archive (search, exports, Datasette) can name a site without the registry. Articles and
their versions say which extraction method produced them: every row before this one came from
the NukeViet extractor.
"""

NAME = "sites, and the extraction method of each row"

STATEMENTS = (
    (
        "create table sites (slug text primary key, name text not null, base_url text not null,"
        " cms text not null, first_seen_at text, last_seen_at text)"
    ),
    "alter table articles add column extracted_by text",
    "alter table article_versions add column extracted_by text",
    "update articles set extracted_by = 'nukeviet'",
    "update article_versions set extracted_by = 'nukeviet'",
)
