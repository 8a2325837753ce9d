"""Safe XML parsing with French error messages, shared by the SIECLE and STS-web parsers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from lxml import etree

from appui.core.io._files import Source, is_zip, member_from_zip, read_source
from appui.core.io.errors import ImportFileError, ImportIssue, Severity
from appui.core.io.values import ValueProblem, parse_date

__all__ = [
    "Fields",
    "IssueLog",
    "child_or_self",
    "child_text",
    "describe_root",
    "load_xml",
    "local_name",
    "parse_xml",
    "records",
    "refuse_root",
    "xml_safe",
]

# lxml ships without type stubs; elements are typed loosely on purpose.
Element = Any

#: What a file is, from its root element; used to tell the user which file they gave instead.
_KNOWN_ROOTS = {
    "BEE_ELEVES": "un export SIECLE des élèves (ElevesSansAdresses.xml ou ElevesAvecAdresses.xml)",
    "BEE_NOMENCLATURES": "le fichier des nomenclatures SIECLE (Nomenclature.xml)",
    "BEE_RESPONSABLES": (
        "un export SIECLE des responsables (ResponsablesSansAdresses.xml ou "
        "ResponsablesAvecAdresses.xml)"
    ),
    "BEE_STRUCTURES": "un export SIECLE des structures (Structures.xml)",
    "STS_EDT": "un export STS-web des emplois du temps (sts_emp_UAI_année.xml)",
    "EDT_STS": "un fichier produit par un logiciel d'emploi du temps pour STS-web",
    "lsun-bilans": "un fichier d'import du livret scolaire unique (LSU)",
}

_SINGLE_BYTE_ENCODINGS = {
    "ISO-8859-1",
    "ISO-8859-15",
    "LATIN1",
    "LATIN-1",
    "LATIN9",
    "WINDOWS-1252",
    "CP1252",
}

#: Records of one list (pupils, people, addresses, staff…) at most: five times the largest
#: school. Reading an empty record costs as much as a full one, and a few bytes hold many.
MAX_RECORDS = 30_000
#: Tags (``<``) of one document at most, counted before parsing: a parsed element takes
#: about 120 bytes, so this bounds the tree (a 3,000-pupil export with addresses has about
#: a million).
MAX_XML_TAGS = 4_000_000

_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_PREMATURE_END = re.compile(r"Premature end of data in tag (\S+) line (\d+)")


def load_xml(
    source: Source,
    file_name: str | None,
    *,
    preferred: tuple[str, ...],
    exported_by: str,
) -> tuple[Element, str, list[ImportIssue]]:
    """Read ``source`` (plain XML or a zip holding it) and parse it with :func:`parse_xml`.

    Returns the root element, the name to use in messages and the warnings found. In a zip,
    the member named like one of ``preferred`` is taken, else the only XML file.
    """
    data, name = read_source(source, file_name)
    if is_zip(data):
        data, name = member_from_zip(data, name, preferred=preferred)
    root, warnings = parse_xml(data, name, exported_by=exported_by)
    return root, name, warnings


def parse_xml(
    data: bytes, file_name: str, *, exported_by: str
) -> tuple[Element, list[ImportIssue]]:
    """Parse ``data`` with a hardened parser and return its root and any warnings.

    The parser never touches the network, never loads a DTD and never expands entities;
    documents carrying a DOCTYPE are refused outright since no national export has one.
    The encoding declared in the prolog is honoured (ISO-8859-15 is common). Syntax errors
    raise :class:`ImportFileError` with the line where the file broke and, when it stops
    mid-way, a message saying it is truncated. ``exported_by`` names the application the user
    should export from again (``"SIECLE"``, ``"STS-web"``).
    """
    _refuse_before_parsing(data, file_name)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data, parser, base_url=file_name)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, data, file_name, exported_by) from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise _doctype(file_name)
    warnings: list[ImportIssue] = []
    encoding = (tree.docinfo.encoding or "UTF-8").upper()
    if encoding in _SINGLE_BYTE_ENCODINGS and _looks_like_utf8(data):
        warnings.append(
            ImportIssue(
                file=file_name,
                line=1,
                message=(
                    f"le fichier déclare l'encodage {encoding} mais semble enregistré en UTF-8 : "
                    "les lettres accentuées risquent d'être mal lues. Utilisez le fichier "
                    f"d'origine exporté par {exported_by}, sans l'ouvrir dans un éditeur."
                ),
                severity=Severity.WARNING,
            )
        )
    return root, warnings


def _refuse_before_parsing(data: bytes, file_name: str) -> None:
    """Refuse, from the raw bytes, what would make parsing costly or unsafe."""
    # A DOCTYPE can only come before the root element, so the head of the file tells.
    head = data[:65_536]
    root_start = re.search(rb"<[^?!]", head)
    if b"<!DOCTYPE" in head[: root_start.start() if root_start else None]:
        raise _doctype(file_name)
    if data.count(b"<") > MAX_XML_TAGS:
        raise ImportFileError.single(
            file_name,
            f"le fichier contient plus de {MAX_XML_TAGS:_} balises : ce n'est pas l'export "
            "d'un seul établissement.".replace("_", " "),
        )


def _doctype(file_name: str) -> ImportFileError:
    return ImportFileError.single(
        file_name,
        "le fichier contient une déclaration DOCTYPE, absente des exports officiels : "
        "il n'est pas accepté par sécurité.",
        line=1,
    )


def records(parent: Element, path: str) -> Iterator[Element]:
    """The elements at ``path`` under ``parent``, refusing the file past :data:`MAX_RECORDS`.

    Every list a parser walks goes through here, so no file can make it do unbounded work
    however small it is (600,000 empty ``<ELEVE/>`` fit in 5 KB zipped).
    """
    for count, element in enumerate(parent.iterfind(path), start=1):
        if count > MAX_RECORDS:
            name = local_name(element)
            raise ImportFileError.single(
                str(parent.getroottree().docinfo.URL or "fichier"),
                f"le fichier contient plus de {MAX_RECORDS:_} éléments <{name}> : ce n'est "
                "pas l'export d'un seul établissement.".replace("_", " "),
                line=element.sourceline,
                field=name,
            )
        yield element


class IssueLog:
    """Collects the issues of one file, taking line numbers from the elements concerned."""

    def __init__(self, file_name: str, initial: Iterable[ImportIssue] = ()) -> None:
        self.file_name = file_name
        self.items: list[ImportIssue] = list(initial)

    def add(
        self,
        where: Element | int,
        field_name: str | None,
        value: str | None,
        message: str,
        severity: Severity,
    ) -> None:
        """Record an issue located at an element (or at a line number)."""
        self.items.append(
            ImportIssue(
                file=self.file_name,
                line=where if isinstance(where, int) else where.sourceline,
                field=field_name,
                value=value,
                message=message,
                severity=severity,
            )
        )

    def error(
        self, where: Element | int, field_name: str | None, value: str | None, message: str
    ) -> None:
        """Record an issue that blocks the import."""
        self.add(where, field_name, value, message, Severity.ERROR)

    def warning(
        self, where: Element | int, field_name: str | None, value: str | None, message: str
    ) -> None:
        """Record an issue shown in the preview that does not block the import."""
        self.add(where, field_name, value, message, Severity.WARNING)

    def date(
        self, fields: Fields, tag: str, severity: Severity, who: str | None = None
    ) -> date | None:
        """The date in child ``tag``; an unreadable one is recorded and gives None."""
        text = fields.text(tag)
        try:
            return parse_date(text)
        except ValueProblem as problem:
            message = f"{who} : {problem}" if who else str(problem)
            self.add(fields.at(tag), tag, text, message, severity)
            return None


class Fields:
    """The direct children of an element by tag, collected in one pass.

    Reading a record's twenty fields this way is several times faster than twenty
    ``find()`` calls, which matters for files of thousands of students.
    """

    def __init__(self, element: Element) -> None:
        self.element = element
        self._children: dict[str, Element] = {}
        for child in element:
            if isinstance(child.tag, str):
                self._children.setdefault(child.tag, child)

    def get(self, tag: str) -> Element | None:
        """The first child with this tag."""
        return self._children.get(tag)

    def text(self, tag: str) -> str | None:
        """Stripped text of the first child with this tag; None when absent or empty."""
        child = self._children.get(tag)
        if child is None or child.text is None:
            return None
        return str(child.text).strip() or None

    def at(self, tag: str) -> Element:
        """The child with this tag when present (to report its line), else the element."""
        child = self._children.get(tag)
        return self.element if child is None else child


def child_or_self(element: Element, path: str) -> Element:
    """The child at ``path`` when present (to report its line), else ``element`` itself."""
    found = element.find(path)
    return element if found is None else found


def local_name(element: Element) -> str:
    """Tag of ``element`` without its namespace."""
    tag = element.tag
    return str(etree.QName(tag).localname) if isinstance(tag, str) else ""


def describe_root(root: Element) -> str:
    """French description of the kind of file ``root`` belongs to."""
    name = local_name(root)
    if name == "STS_EDT" and root.find("PARAMETRES/APPLICATION_SOURCE") is not None:
        return _KNOWN_ROOTS["EDT_STS"]
    return _KNOWN_ROOTS.get(name) or f"un fichier XML dont l'élément racine est <{name}>"


def refuse_root(root: Element, file_name: str, *, expected: str, advice: str) -> ImportFileError:
    """The error for a well-formed file of the wrong kind, saying what it seems to be."""
    return ImportFileError.single(
        file_name,
        f"ce fichier n'est pas {expected} : il semble être {describe_root(root)}. {advice}",
        line=root.sourceline,
        field=local_name(root),
    )


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (pasted text sometimes has some)."""
    return _XML_UNSAFE.sub("", text)


def child_text(element: Element, path: str) -> str | None:
    """Stripped text of the first element at ``path`` under ``element``; None when empty."""
    found = element.find(path)
    if found is None or found.text is None:
        return None
    text = str(found.text).strip()
    return text or None


def _looks_like_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _near_end(data: bytes, line: int, column: int) -> bool:
    """True when the parser stopped at the very end of ``data``, i.e. the file is cut short."""
    offset = 0
    for _ in range(line - 1):
        offset = data.find(b"\n", offset) + 1
        if offset == 0:
            return True
    return len(data[offset + column - 1 :].strip()) <= 2


def _syntax_error(
    exc: etree.XMLSyntaxError, data: bytes, file_name: str, exported_by: str
) -> ImportFileError:
    line, column = exc.position if exc.position else (exc.lineno, 0)
    raw = str(exc.msg or "").split(", line ")[0]
    types = etree.ErrorTypes
    code = exc.code
    again = f"exportez-le de nouveau depuis {exported_by}"
    if not data.strip():
        return ImportFileError.single(file_name, f"le fichier est vide : {again}.")
    at_end = _near_end(data, line or 1, column or 1)
    premature = _PREMATURE_END.search(raw)
    if code == types.ERR_TAG_NOT_FINISHED or (at_end and code != types.ERR_DOCUMENT_END):
        unclosed = (
            f" alors que l'élément <{premature.group(1)}> ouvert ligne {premature.group(2)} "
            "n'est pas refermé"
            if premature
            else ""
        )
        message = (
            f"le fichier est incomplet : il s'arrête brusquement à la ligne {line}{unclosed}. "
            f"Il a probablement été tronqué lors du téléchargement ou de la copie ; {again}."
        )
    elif code in (types.ERR_DOCUMENT_EMPTY, types.ERR_DOCUMENT_START) or (
        line == 1 and not data.lstrip().startswith(b"<")
    ):
        message = (
            f"ce n'est pas un fichier XML ; vérifiez que vous avez choisi le bon fichier ({again})."
        )
    elif code in (types.ERR_INVALID_ENCODING, types.ERR_INVALID_CHAR):
        message = (
            f"caractères illisibles à la ligne {line} pour l'encodage déclaré en tête du fichier : "
            "il a probablement été modifié puis réenregistré dans un autre encodage ; "
            f"{again} et importez-le sans l'ouvrir."
        )
    elif code == types.ERR_UNSUPPORTED_ENCODING:
        message = f"l'encodage déclaré en tête du fichier n'est pas reconnu ; {again}."
    elif code == types.ERR_DOCUMENT_END:
        message = (
            f"contenu inattendu après la fin du document, ligne {line} : le fichier a "
            f"peut-être été assemblé à partir de plusieurs exports ; {again}."
        )
    else:
        message = (
            f"le fichier XML est mal formé à la ligne {line}, colonne {column} : "
            f"il a probablement été modifié à la main ; {again}."
        )
    return ImportFileError.single(
        file_name,
        f"{message} (détail technique : {raw})",
        line=line,
        column=str(column) if column else None,
    )
