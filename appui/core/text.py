"""Text helpers shared by search and imports."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text: "Hélène  D'ARC" -> "helene d'arc"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
