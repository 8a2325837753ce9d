"""Usernames for accounts appui creates (staff from STS-web, guardians from SIECLE)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["Usernames", "slug"]


def slug(text: str) -> str:
    """``"Hélène"`` → ``"helene"``; ``"N'Diaye"`` → ``"ndiaye"`` (for usernames)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in plain.lower() if char.isalnum() or char == "-").strip("-")


class Usernames:
    """Unique usernames ``prenom.nom``, ``prenom.nom2``… against those already taken."""

    def __init__(self, taken: Iterable[str], *, fallback: str = "personnel") -> None:
        self.taken = {name.lower() for name in taken}
        self.fallback = fallback

    def new(self, first_name: str, last_name: str) -> str:
        base = ".".join(part for part in (slug(first_name), slug(last_name)) if part)
        base = (base or self.fallback)[:140]
        name, suffix = base, 1
        while name in self.taken:
            suffix += 1
            name = f"{base}{suffix}"
        self.taken.add(name)
        return name
