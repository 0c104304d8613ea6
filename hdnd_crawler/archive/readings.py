"""How search reads what was typed: words, quoted phrases, abbreviations, as FTS5 queries.

Typed words are each required (Vietnamese writes a word as several syllables, and a reader
types them in any order and with other words between: "ky hop ngan sach" should find an
article about the budget at a session). A run of words that is a known long form, or a typed
abbreviation, is one term whose forms all count: "hoi dong nhan dan" is "Hội đồng nhân dân" OR
"HĐND" (``abbreviations.toml``). Text in double quotes is one exact phrase, never expanded.
Everything is folded as the index is, and only quoted words reach FTS5, so nothing typed is
FTS5 syntax.

The index finds an abbreviation's forms by one token, its key (``hdnd``): beside each text, the
article's search row holds the key of every form the text holds other than the key itself
(:func:`alias_keys`). A term with forms is then one token to look up, where it was a
phrase of several read in every article holding them (a long form in most articles cost more
than the rest of a search). Snippets mark the forms themselves (:meth:`Reading.marks`).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import product

from hdnd_crawler.archive.textfold import fold

# What FTS5's unicode61 tokenizer keeps as a token: letters and digits (not "_").
_TOKEN = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"([^"]*)"')
# The phrase reading spells out each combination of the terms' forms; beyond this many it
# keeps the typed forms only.
MAX_PHRASES = 16
# How a reading is told (:meth:`Reading.describe`), in English.
DESCRIBED = {
    "or": "OR",
    "phrase_first": '"{whole}" as a phrase first, then all of: {every}',
    "all_of": "all of: {every}",
    "nothing": "nothing to search for",
}


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(fold(text)))


@dataclass(frozen=True)
class Forms:
    """One abbreviation's written forms, the folded phrases that find them, and the one token
    the index finds them all by: the abbreviation's letters run together ("hdnd", "ktxh")."""

    written: tuple[str, ...]
    phrases: tuple[str, ...]
    key: str


def _forms(written: list[str]) -> Forms:
    phrases: list[str] = []
    for form in written:
        tokens = _tokens(form)
        spellings = [" ".join(tokens)]
        if len(tokens) > 1 and not any(c.isspace() for c in form.strip()):
            # "KT-XH" is also written "KTXH", one token in the index.
            spellings.append("".join(tokens))
        phrases += [s for s in spellings if s not in phrases]
    return Forms(tuple(written), tuple(phrases), "".join(_tokens(written[0])))


@lru_cache(maxsize=1)
def abbreviations() -> dict[tuple[str, ...], Forms]:
    """Every folded form (as a token sequence) of ``abbreviations.toml``, to its entry."""
    text = resources.files("hdnd_crawler.archive").joinpath("abbreviations.toml").read_text("utf-8")
    table: dict[tuple[str, ...], Forms] = {}
    for short, long in tomllib.loads(text).items():
        forms = _forms([short, *([long] if isinstance(long, str) else long)])
        for phrase in forms.phrases:
            key = tuple(phrase.split())
            if key in table and table[key] is not forms:
                raise ValueError(f"abbreviations.toml: {phrase!r} is in two entries")
            table[key] = forms
    return table


def alias_keys(tokens: Sequence[str]) -> list[str]:
    """The key of each form of an abbreviation in ``tokens`` (a folded text's, in order), once
    per occurrence; forms inside longer ones count too ("quoc hoi" in "dai bieu quoc hoi"), as
    a phrase query finds them. Not the key itself: the text's own token finds it."""
    starting = _forms_by_first_token()
    keys = []
    for start, token in enumerate(tokens):
        for form, key in starting.get(token, ()):
            if tuple(tokens[start : start + len(form)]) == form and form != (key,):
                keys.append(key)
    return keys


@lru_cache(maxsize=1)
def _forms_by_first_token() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    # A text is read once per article written: most of its tokens begin no form.
    starting: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for form, forms in sorted(abbreviations().items(), key=lambda item: len(item[0])):
        starting.setdefault(form[0], []).append((form, forms.key))
    return starting


def text_tokens(folded: str) -> list[str]:
    """The tokens of an already folded text, as the index's tokenizer reads them."""
    return _TOKEN.findall(folded)


@lru_cache(maxsize=1)
def aliases_fingerprint() -> str:
    """What the aliases of an index depend on: every form and its key, and how they are found.
    An index built with other ones is built again (:mod:`hdnd_crawler.archive.store`)."""
    pairs = sorted((" ".join(form), forms.key) for form, forms in abbreviations().items())
    return hashlib.sha256(repr(("aliases v1", pairs)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Term:
    """One required part of a query: what was typed, and the phrases any of which will do."""

    typed: str
    phrases: tuple[str, ...]
    shown: tuple[str, ...]  # the forms as a reader writes them, typed first
    key: str | None = None  # an abbreviation's: the token that finds every form

    def match(self) -> str:
        """What finds the term in the index: an abbreviation's key, else its phrase."""
        return f'"{self.key}"' if self.key else self.marks()

    def marks(self) -> str:
        """Any of the term's phrases: what a snippet marks."""
        quoted = [f'"{phrase}"' for phrase in self.phrases]
        return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def _term(typed: str, tokens: tuple[str, ...], forms: Forms | None) -> Term:
    phrases, shown = [" ".join(tokens)], [typed]
    if forms:
        phrases += [p for p in forms.phrases if p not in phrases]
        shown += [w for w in forms.written if " ".join(_tokens(w)) != phrases[0]]
    return Term(typed, tuple(phrases), tuple(shown), forms.key if forms else None)


def _unquoted(text: str) -> list[Term]:
    chunks = [(typed, tokens) for typed in text.split() if (tokens := _tokens(typed))]
    table = abbreviations()
    longest = max(map(len, table))
    terms, start = [], 0
    while start < len(chunks):
        # The longest run of typed words that is a form of an abbreviation, else one word.
        for end in range(min(len(chunks), start + longest), start, -1):
            run = tuple(t for _, chunk in chunks[start:end] for t in chunk)
            forms = table.get(run)
            if forms is None and end == start + 1:
                forms = table.get(("".join(run),))
            if forms or end == start + 1:
                typed = " ".join(typed for typed, _ in chunks[start:end])
                terms.append(_term(typed, run, forms))
                start = end
                break
    return terms


@dataclass(frozen=True)
class Reading:
    """A query as search reads it: terms all required, each by any of its phrases."""

    terms: tuple[Term, ...]

    def match(self) -> str:
        """The FTS5 query for every term (each by any of its forms)."""
        return " AND ".join(term.match() for term in self.terms) or '""'

    def marks(self, phrase: bool = False) -> str:
        """The FTS5 query whose hits a snippet marks, in an article :meth:`match` found (or,
        with ``phrase``, :meth:`phrase_match`): every form of each term, as written."""
        if phrase and len(self.terms) > 1:
            return self.phrase_match()
        return " AND ".join(term.marks() for term in self.terms) or '""'

    def phrase_match(self) -> str:
        """The FTS5 query for the terms one after another, as one phrase: the matches shown
        first. The same as :meth:`match` for one term."""
        if len(self.terms) < 2:
            return self.match()
        choices = [term.phrases for term in self.terms]
        count = 1
        for phrases in choices:
            count *= len(phrases)
        if count > MAX_PHRASES:
            choices = [phrases[:1] for phrases in choices]
        return " OR ".join(f'"{" ".join(combination)}"' for combination in product(*choices))

    def describe(self, words: Mapping[str, str] = DESCRIBED, phrase_first: bool = True) -> str:
        """The reading in words, e.g. "hội đồng nhân dân OR HĐND"; ``words`` another
        language's (keys of :data:`DESCRIBED`); ``phrase_first`` when the matches holding the
        words as one phrase come first."""
        if not self.terms:
            return words["nothing"]
        parts = [f" {words['or']} ".join(term.shown) for term in self.terms]
        if len(parts) == 1:
            return parts[0]
        every = ", ".join(
            f"({p})" if len(term.shown) > 1 else p
            for p, term in zip(parts, self.terms, strict=True)
        )
        whole = " ".join(term.typed.strip('"') for term in self.terms)
        return words["phrase_first" if phrase_first else "all_of"].format(whole=whole, every=every)

    def without(self, index: int) -> str:
        """The query as typed, less its ``index``-th term."""
        return " ".join(t.typed for n, t in enumerate(self.terms) if n != index)

    def first(self, count: int) -> str:
        """The query as typed, up to its ``count``-th term."""
        return " ".join(t.typed for t in self.terms[:count])


@lru_cache(maxsize=256)
def read(query: str) -> Reading:
    """What ``query`` asks for. An unbalanced quote is closed at the end."""
    if query.count('"') % 2:
        query += '"'
    terms: list[Term] = []
    for n, part in enumerate(_QUOTED.split(query)):
        if n % 2 == 0:
            terms += _unquoted(part)
        elif tokens := _tokens(part):
            typed = f'"{" ".join(part.split())}"'
            terms.append(Term(typed, (" ".join(tokens),), (typed,)))
    return Reading(tuple(terms))


def match_expression(query: str) -> str:
    """The FTS5 query finding every article that holds all of ``query``'s terms."""
    return read(query).match()


def phrase_expression(query: str) -> str:
    """The FTS5 query finding the articles that hold ``query``'s terms as one phrase."""
    return read(query).phrase_match()


def marks_expression(query: str) -> str:
    """The FTS5 query whose hits a snippet of a :func:`match_expression` match marks."""
    return read(query).marks()


def phrase_marks_expression(query: str) -> str:
    """The FTS5 query whose hits a snippet of a :func:`phrase_expression` match marks."""
    return read(query).marks(phrase=True)
