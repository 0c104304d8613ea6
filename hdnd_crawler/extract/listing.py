"""What an extractor reads off the pages that are not articles: the links a crawl follows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Listing:
    """What one HTML page of the site links to, by kind. URLs are canonical."""

    category: str = ""  # the category's name when the page is a category listing
    articles: list[str] = field(default_factory=list)  # the listing's own items, in order
    pages: list[str] = field(default_factory=list)  # other pages of the same listing
    categories: list[str] = field(default_factory=list)  # category root URLs seen anywhere
    other_articles: list[str] = field(default_factory=list)  # article links outside the list


@dataclass
class FeedEntry:
    url: str
    article_id: int
