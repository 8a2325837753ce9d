"""Getting the bytes of an uploaded or local file, including from inside a zip archive."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from appui.core.io.errors import ImportFileError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ZIP_MEMBERS",
    "Source",
    "is_zip",
    "member_from_zip",
    "open_zip",
    "read_source",
]

#: Anything a parser accepts: raw bytes, a path, or an open binary file (such as a Django
#: ``UploadedFile``, which has ``read()`` and ``name``).
Source = bytes | bytearray | memoryview | str | os.PathLike[str] | BinaryIO

#: Upper bound for one file, compressed or not. A 3,000-student ElevesAvecAdresses.xml is
#: about 15 MB, so this only stops absurd inputs and zip bombs.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Members of one zip archive at most (an XLSX has about ten, an ODS a few more).
MAX_ZIP_MEMBERS = 1_000
#: The only compression methods Excel, LibreOffice and SIECLE use. Others are refused: zipfile
#: inflates a bzip2 or LZMA block whole before cutting it to the declared size, so a few bytes
#: could claim little and still expand to gigabytes in memory.
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


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
    archive = open_zip(
        data,
        archive_name,
        max_bytes=None,
        damaged="l'archive zip est endommagée ou incomplète : téléchargez-la de nouveau.",
    )
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
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise ImportFileError.single(
                display,
                "le fichier ne peut pas être extrait de l'archive zip, qui semble endommagée "
                "ou tronquée : téléchargez-la de nouveau.",
            ) from exc
    if len(content) > MAX_FILE_BYTES:
        raise _too_big(display)
    return content, display


def open_zip(data: bytes, name: str, *, max_bytes: int | None, damaged: str) -> zipfile.ZipFile:
    """Open a zip archive after bounding what reading it may cost, from its directory alone.

    Refused before anything is inflated: a damaged archive (``damaged`` is the message), more
    than :data:`MAX_ZIP_MEMBERS` members, a compression method other than stored or deflated,
    and, when ``max_bytes`` is given, members declaring more than ``max_bytes`` in total.
    zipfile never inflates a stored or deflated member past its declared size, so the declared
    sizes bound the work.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise ImportFileError.single(name, damaged) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        archive.close()
        raise ImportFileError.single(
            name, f"l'archive contient plus de {MAX_ZIP_MEMBERS} fichiers : elle est refusée."
        )
    if any(info.compress_type not in _ZIP_METHODS for info in members):
        archive.close()
        raise ImportFileError.single(
            name,
            "l'archive utilise une méthode de compression non prise en charge : "
            "enregistrez-la de nouveau avec un logiciel courant.",
        )
    if max_bytes is not None and sum(info.file_size for info in members) > max_bytes:
        archive.close()
        limit = max_bytes // (1024 * 1024)
        raise ImportFileError.single(
            name, f"le fichier dépasse {limit} Mo une fois décompressé : il est refusé."
        )
    return archive


def _basename(member: str) -> str:
    return PurePosixPath(member.replace("\\", "/")).name


def _is_metadata(member: str) -> bool:
    # macOS adds __MACOSX/ copies and ._ resource forks when it zips a folder.
    return member.startswith("__MACOSX/") or _basename(member).startswith("._")


def _too_big(name: str) -> ImportFileError:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return ImportFileError.single(name, f"le fichier dépasse la taille maximale de {limit} Mo.")
