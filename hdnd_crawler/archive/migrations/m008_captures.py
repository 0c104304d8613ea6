"""Migration 8: where each image of an article lies in the WARC files.

An image's bytes stay in the WARC file its crawl wrote; ``captures`` points at the response
record (file, byte offset and length of its gzip member), so that the archive's readers show
the image from there and never from the site. One row per fetch: the newest is shown.
"""

NAME = "captures of images in the WARC files"

STATEMENTS = (
    (
        "create table captures (url text not null, warc_file text not null,"
        " offset integer not null, length integer not null, content_type text,"
        " fetched_at text not null, site text, article_id integer,"
        " primary key (url, fetched_at))"
    ),
)
