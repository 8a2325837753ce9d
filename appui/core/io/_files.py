"""Getting the bytes of an uploaded or local file, including from inside a zip archive."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from appui.core.io.errors import ImportFileError

__all__ = ["MAX_FILE_BYTES", "Source", "is_zip", "member_from_zip", "read_source"]

#: Anything a parser accepts: raw bytes, a path, or an open binary file (such as a Django
#: ``UploadedFile``, which has ``read()`` and ``name``).
Source = bytes | bytearray | memoryview | str | os.PathLike[str] | BinaryIO

#: Upper bound for one file, compressed or not. A 3,000-student ElevesAvecAdresses.xml is
#: about 15 MB, so this only stops absurd inputs and zip bombs.
MAX_FILE_BYTES = 200 * 1024 * 1024


def read_source(source: Source, file_name: str | None = None) -> tuple[bytes, str]:
    """Return the bytes of ``source`` and the name to show in messages.

    ``file_name`` wins over any name the source carries; a path or an open file gives its own
    base name otherwise, raw bytes are called ``fichier``.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = file_name or "fichier"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        name = file_name or path.name
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise _too_big(name)
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFileError.single(
                name, f"le fichier ne peut pas être lu ({exc.strerror or exc})."
            ) from exc
    else:
        raw_name = getattr(source, "name", None)
        name = file_name or (os.path.basename(raw_name) if isinstance(raw_name, str) else "")
        name = name or "fichier"
        data = source.read(MAX_FILE_BYTES + 1)
        if not isinstance(data, bytes):
            raise TypeError("the file must be opened in binary mode")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(name)
    return data, name


def is_zip(data: bytes) -> bool:
    """True when ``data`` starts like a zip archive (also true for XLSX and ODS files)."""
    return data[:4] == b"PK\x03\x04"


def member_from_zip(
    data: bytes,
    archive_name: str,
    *,
    preferred: Sequence[str] = (),
    extension: str = ".xml",
) -> tuple[bytes, str]:
    """Extract the one useful member of a zip archive.

    The member whose base name is in ``preferred`` (case-insensitive) wins; otherwise the
    archive must hold exactly one file ending with ``extension``. Returns the member's bytes
    and a display name ``archive.zip › member.xml``. Decompression is capped at
    :data:`MAX_FILE_BYTES` whatever the archive claims.
    """
    kind = extension.lstrip(".").upper()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError.single(
            archive_name,
            "l'archive zip est endommagée ou incomplète : téléchargez-la de nouveau.",
        ) from exc
    with archive:
        candidates = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(extension)
            and not _is_metadata(info.filename)
        ]
        wanted = {name.lower() for name in preferred}
        chosen = [info for info in candidates if _basename(info.filename).lower() in wanted]
        if not chosen:
            chosen = candidates
        if not chosen:
            raise ImportFileError.single(
                archive_name, f"l'archive zip ne contient aucun fichier {kind}."
            )
        if len(chosen) > 1:
            names = ", ".join(_basename(info.filename) for info in chosen)
            raise ImportFileError.single(
                archive_name,
                f"l'archive zip contient plusieurs fichiers {kind} ({names}) : "
                "extrayez celui à importer et déposez-le seul.",
            )
        info = chosen[0]
        display = f"{archive_name} › {_basename(info.filename)}"
        if info.file_size > MAX_FILE_BYTES:
            raise _too_big(display)
        try:
            with archive.open(info) as member:
                content = member.read(MAX_FILE_BYTES + 1)
        except RuntimeError as exc:  # raised by zipfile for encrypted members
            raise ImportFileError.single(
                display,
                "l'archive est protégée par un mot de passe : extrayez le fichier puis "
                "déposez-le directement.",
            ) from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ImportFileError.single(
                display,
                "le fichier ne peut pas être extrait de l'archive zip, qui semble endommagée "
                "ou tronquée : téléchargez-la de nouveau.",
            ) from exc
    if len(content) > MAX_FILE_BYTES:
        raise _too_big(display)
    return content, display


def _basename(member: str) -> str:
    return PurePosixPath(member.replace("\\", "/")).name


def _is_metadata(member: str) -> bool:
    # macOS adds __MACOSX/ copies and ._ resource forks when it zips a folder.
    return member.startswith("__MACOSX/") or _basename(member).startswith("._")


def _too_big(name: str) -> ImportFileError:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return ImportFileError.single(name, f"le fichier dépasse la taille maximale de {limit} Mo.")
