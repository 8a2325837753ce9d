"""The solver key of a need: a deepening need on competency C is keyed ``C+``.

Soutien and approfondissement modules on the same competency serve different students (seed
003, § 9 « Conclusion »: AP is not the same answer for everyone). Keying deepening needs apart
lets an approfondissement module focus on ``FR.ECR+`` while a soutien module focuses on
``FR.ECR``, so strong and struggling students never share a module by accident. This module is
the only place that knows the suffix.
"""

from __future__ import annotations

DEEPENING_SUFFIX = "+"
"""Suffix of the solver key of a deepening need (``FR.ECR+``)."""


def need_key(code: str, deepening: bool) -> str:
    """The solver key of a need on ``code``: ``code+`` for a deepening need, else ``code``."""
    return f"{code}{DEEPENING_SUFFIX}" if deepening else code


def parse_need_key(key: str) -> tuple[str, bool]:
    """``(competency code, deepening)`` of a solver key: the inverse of :func:`need_key`."""
    if key.endswith(DEEPENING_SUFFIX):
        return key[: -len(DEEPENING_SUFFIX)], True
    return key, False
