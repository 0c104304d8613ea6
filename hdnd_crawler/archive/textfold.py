"""Vietnamese text folded to what a reader types without diacritics: "Hội đồng" → "hoi dong"."""

from __future__ import annotations

import unicodedata


def _fold_char(char: str) -> str:
    if char in "đĐ":
        # Unicode gives đ no decomposition, so dropping combining marks never reaches it.
        return "d"
    bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    bare = bare.lower()
    # One character for one character, so that positions in folded text are positions in
    # the original: search hits found in the folded copy are highlighted in the original.
    return bare if len(bare) == 1 else char


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, codepoint: int) -> str:
        folded = self[codepoint] = _fold_char(chr(codepoint))
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """``text`` in NFC with đ/Đ → d, combining marks dropped and lower case.

    The result has exactly one character per character of ``unicodedata.normalize("NFC",
    text)``.
    """
    return unicodedata.normalize("NFC", text).translate(_TABLE)
