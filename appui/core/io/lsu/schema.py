"""The official LSU schema: its namespace, where the shipped copy lives, the text it
accepts, and :func:`validate_lsu` against it."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from appui.core.io._xml import xml_safe

LSU_NAMESPACE = "urn:fr:edu:scolarite:lsun:bilans:import"

#: The official schema, shipped with the package so exports work without any shared folder
#: (``appui/core/io/schemas/``, declared as package data of ``appui.core.io``).
LSU_XSD_PATH = Path(__file__).parent.parent / "schemas" / "import-bilan-complet.xsd"

SCHEMA_VERSION = "3.0"


def clean_text(text: str) -> str:
    """Text as written to the file: XML-safe, no outer spaces, LF line ends only.

    The schema's text patterns, ``(.|\\n)*``, reject carriage returns, hence the
    normalisation.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return xml_safe(text).strip()


def is_blank(text: str | None) -> bool:
    """Whether ``text`` is missing or would be written as nothing."""
    return text is None or not clean_text(text)


@lru_cache(maxsize=4)
def _schema(path: str) -> Any:
    import xmlschema

    return xmlschema.XMLSchema(path)


def validate_lsu(xml: bytes, xsd_path: str | Path | None = None) -> list[str]:
    """Check an LSU file against the official schema; French messages, empty when valid."""
    schema = _schema(str(Path(xsd_path or LSU_XSD_PATH).resolve()))
    messages = []
    for error in schema.iter_errors(io.BytesIO(xml)):
        where = f" (à {error.path})" if getattr(error, "path", None) else ""
        reason = getattr(error, "reason", None) or str(error)
        messages.append(f"le fichier LSU n'est pas conforme au schéma officiel{where} : {reason}")
    return messages
