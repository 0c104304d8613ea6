"""How the crawler names itself to the sites it reads."""

from __future__ import annotations


def user_agent(version: str, contact: str) -> str:
    """The User-Agent: the project, its version and, when given, the operator's contact."""
    return f"hdnd-crawler/{version} (archival crawler" + (f"; +{contact})" if contact else ")")
