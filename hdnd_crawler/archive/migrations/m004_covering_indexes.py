"""Migration 4: covering indexes for facets and for the sightings every crawl reads first.

Facets count one column over many rows, and every crawl starts by reading what it knows of each
article; without an index each reads every row, bodies included (about 1 GB at 50,000
articles). Covering indexes read a few MB.
"""

NAME = "covering indexes for facets and crawl planning"

STATEMENTS = (
    "create index if not exists idx_articles_author on articles(author)",
    "create index if not exists idx_articles_main_category on articles(main_category)",
    "create index if not exists idx_articles_categories on articles(categories)",
    "create index if not exists idx_articles_published_year on articles(published_year)",
    (
        "create index if not exists idx_articles_sightings on articles(site, article_id, url, "
        "published_at, last_seen_at, gone_at)"
    ),
)
