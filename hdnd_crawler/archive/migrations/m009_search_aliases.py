"""Migration 9: the search index gains a column for the abbreviations its texts hold.

A long form ("Hội đồng nhân dân") was searched as a phrase beside its abbreviation, reading
every article that holds its words; held in most articles, it cost more than the rest of a
search. A column of aliases beside each searched text holds, for each form of an abbreviation
in it, one token (its key, ``hdnd``) that finds them all, where the form is: a long form in a
title counts as a title hit. Which keys an article's texts hold depends on the list
of abbreviations, which changes apart from the schema: ``search_index`` records the list the
index was built with, and the archive builds it again whenever it differs
(``hdnd_crawler.archive.store``). The new index starts empty, with no list recorded, so the
archive that runs this migration builds it right after.
"""

NAME = "search index columns for abbreviations"

STATEMENTS = (
    "drop table articles_fts",
    (
        "create virtual table articles_fts using fts5(title, summary, body, attachments, "
        "attachments_text unindexed, title_aliases, summary_aliases, body_aliases,"
        " attachments_aliases, tokenize = 'unicode61 remove_diacritics 2')"
    ),
    "create table search_index (name text primary key, value text not null)",
)
