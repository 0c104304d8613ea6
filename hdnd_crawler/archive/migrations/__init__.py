"""The archive's migrations, oldest first: one module each, its SQL written out as it ran.

A released migration never changes: it is what every archive of its version went through. A
module holds ``NAME`` (recorded in ``schema_migrations``), ``STATEMENTS`` (run in order, each
literal text, never built from the constants of the code that writes rows; the quoted,
upper-case ones are as sqlite-utils generated them) and, for one that moved data, a
``transform(conn)`` run after them, with its own frozen copy of the logic it needed. Modules
import the standard library alone, so that they cannot drift with the rest of the code. A
change to the schema is a new module, appended here.
"""

from types import ModuleType

from . import (
    m001_articles,
    m002_operations,
    m003_search,
    m004_covering_indexes,
    m005_search_by_publication,
    m006_facet_counts,
    m007_sites,
    m008_captures,
    m009_search_aliases,
)

MIGRATIONS: tuple[ModuleType, ...] = (
    m001_articles,
    m002_operations,
    m003_search,
    m004_covering_indexes,
    m005_search_by_publication,
    m006_facet_counts,
    m007_sites,
    m008_captures,
    m009_search_aliases,
)
