"""SIECLE guardians (``ResponsablesAvecAdresses.xml``) and pupils' postal addresses
(``ElevesAvecAdresses.xml``), read into plain records.

``ResponsablesAvecAdresses.xml`` (root ``BEE_RESPONSABLES``) lists the people in charge of
pupils (``PERSONNES/PERSONNE``: civility, names, phones, e-mail, ``ADRESSE_ID``), the links
between a pupil and a person (``RESPONSABLES/RESPONSABLE_ELEVE``: ``RESP_LEGAL`` 1/2 for the
legal guardians and 0 for another person, ``CODE_PARENTE``, ``RESP_FINANCIER``,
``PERS_CONTACT``) and the postal addresses (``ADRESSES/ADRESSE``). ``ElevesAvecAdresses.xml``
(root ``BEE_ELEVES``) gives each pupil an ``ADRESSE_ID`` in the same way; only the pupils'
identifiers, names and addresses are read here (:mod:`appui.core.io.siecle` reads the rest).

BEE versions 2.0 to 4.0 are read alike: a field an older version lacks (mobile or work phone,
``PERS_CONTACT``, ``LL_PAYS``…) is simply empty; the town is ``LIBELLE_POSTAL`` (what goes on
an envelope) or, failing it, ``LL_COMMUNE`` / ``COMMUNE_ETRANGERE``. Files are plain or zipped
and parsed with the hardened parser of :mod:`appui.core.io._xml`; the work is linear in the
size of the file. Problems limited to one record are French :class:`ImportIssue` s naming the
file, line and field; a file that cannot be used at all raises :class:`ImportFileError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from appui.core.io._files import Source
from appui.core.io._xml import (
    Element,
    Fields,
    IssueLog,
    load_xml,
    local_name,
    records,
    refuse_root,
)
from appui.core.io.errors import HasIssues, ImportFileError
from appui.core.io.siecle import SiecleParameters
from appui.core.io.siecle import _parameters as read_parameters
from appui.core.io.values import ValueProblem, parse_bool

__all__ = [
    "GUARDIAN_FILES",
    "PEOPLE_FILES",
    "Relationship",
    "SiecleAddress",
    "SieclePeople",
    "SiecleGuardian",
    "SiecleGuardianLink",
    "SiecleStudentAddress",
    "parse_people",
    "relationship_from_code",
]

GUARDIAN_FILES = ("ResponsablesAvecAdresses.xml", "ResponsablesSansAdresses.xml")
PEOPLE_FILES = ("ResponsablesAvecAdresses.xml", "ElevesAvecAdresses.xml")

#: ``kind`` of a :class:`SieclePeople`: which of the two files it was read from.
GUARDIANS, STUDENTS = "responsables", "eleves"


class Relationship(StrEnum):
    """How a person is related to a pupil (``StudentGuardian.Relationship`` takes these)."""

    MOTHER = "mother"
    FATHER = "father"
    TUTOR = "tutor"
    FAMILY = "family"
    SOCIAL = "social"
    SELF = "self"
    OTHER = "other"


#: SIECLE's ``CODE_PARENTE`` → appui's vocabulary. 30–39: other members of the family
#: (brother or sister, grandparent…); 41, 42 and 70: educator, foster family, child welfare.
RELATIONSHIP_CODES: dict[str, Relationship] = {
    "10": Relationship.MOTHER,
    "20": Relationship.FATHER,
    "30": Relationship.FAMILY,
    "31": Relationship.FAMILY,
    "37": Relationship.FAMILY,
    "38": Relationship.FAMILY,
    "39": Relationship.FAMILY,
    "41": Relationship.SOCIAL,
    "42": Relationship.SOCIAL,
    "50": Relationship.OTHER,  # garde d'enfant
    "51": Relationship.TUTOR,
    "70": Relationship.SOCIAL,
    "80": Relationship.SELF,
    "90": Relationship.OTHER,
}


def relationship_from_code(code: str | None) -> Relationship | None:
    """The relationship for a ``CODE_PARENTE``; None when the code is unknown."""
    return RELATIONSHIP_CODES.get((code or "").strip())


@dataclass(frozen=True, slots=True)
class SiecleAddress:
    """A postal address: up to four lines, postal code, town (as on an envelope), country."""

    lines: tuple[str, ...] = ()
    postal_code: str = ""
    city: str = ""
    country: str = ""

    @property
    def address_lines(self) -> str:
        """The lines as one text, one per line (``PostalAddress.address_lines``)."""
        return "\n".join(self.lines)

    @property
    def empty(self) -> bool:
        return not (self.lines or self.postal_code or self.city)


@dataclass(frozen=True, slots=True)
class SiecleGuardian:
    """A person of ``PERSONNES``: ``personne_id`` is the key to match re-imports."""

    personne_id: str
    last_name: str
    first_name: str
    line: int
    civility: str = ""
    home_phone: str = ""
    mobile_phone: str = ""
    work_phone: str = ""
    email: str = ""
    address: SiecleAddress | None = None

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"


@dataclass(frozen=True, slots=True)
class SiecleGuardianLink:
    """A ``RESPONSABLE_ELEVE``: one person in charge of one pupil."""

    eleve_id: str
    personne_id: str
    line: int
    relationship: Relationship = Relationship.OTHER
    relationship_code: str = ""
    legal_rank: int = 0
    financial: bool = False
    contact: bool = False


@dataclass(frozen=True, slots=True)
class SiecleStudentAddress:
    """A pupil of ``ElevesAvecAdresses.xml`` with their address (None when the file has none)."""

    eleve_id: str
    last_name: str
    first_name: str
    line: int
    ine: str | None = None
    address: SiecleAddress | None = None

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"


@dataclass(slots=True)
class SieclePeople(HasIssues):
    """Everything read from a Responsables file or from the addresses of an Eleves file."""

    file_name: str
    kind: str  # GUARDIANS or STUDENTS
    parameters: SiecleParameters
    version: str = ""
    guardians: dict[str, SiecleGuardian] = field(default_factory=dict)
    links: list[SiecleGuardianLink] = field(default_factory=list)
    students: list[SiecleStudentAddress] = field(default_factory=list)
    issues: list = field(default_factory=list)


def parse_people(source: Source, file_name: str | None = None) -> SieclePeople:
    """Read ``ResponsablesAvecAdresses.xml`` or ``ElevesAvecAdresses.xml`` (plain or zipped).

    The root element says which file it is (:attr:`SieclePeople.kind`). Raises
    :class:`ImportFileError` for another kind of file, or an export without any address
    (``ElevesSansAdresses.xml``).
    """
    root, name, warnings = load_xml(source, file_name, preferred=PEOPLE_FILES, exported_by="SIECLE")
    root_name = local_name(root)
    if root_name not in ("BEE_RESPONSABLES", "BEE_ELEVES"):
        raise refuse_root(
            root,
            name,
            expected="un export SIECLE des responsables ou des élèves avec adresses",
            advice=(
                "Choisissez ResponsablesAvecAdresses.xml (ou l'archive "
                "ExportXML_ResponsablesAvecAdresses.zip) exporté depuis SIECLE."
            ),
        )
    issues = IssueLog(name, warnings)
    people = SieclePeople(
        file_name=name,
        kind=GUARDIANS if root_name == "BEE_RESPONSABLES" else STUDENTS,
        parameters=read_parameters(root, issues),
        version=(root.get("VERSION") or _text(root.find("PARAMETRES/VERSION")) or "").strip(),
        issues=issues.items,
    )
    addresses = _addresses(root, issues)
    if people.kind == GUARDIANS:
        _guardians(root, people, addresses, issues)
        _links(root, people, issues)
        if not people.guardians and not people.has_errors:
            issues.error(root, "PERSONNES", None, "le fichier ne contient aucun responsable.")
    else:
        if root.find("DONNEES/ADRESSES") is None:
            raise ImportFileError.single(
                name,
                "cet export des élèves ne contient pas d'adresses (ElevesSansAdresses.xml ?) : "
                "choisissez ElevesAvecAdresses.xml, ou ResponsablesAvecAdresses.xml pour les "
                "responsables.",
                line=root.sourceline,
                field="ADRESSES",
            )
        _students(root, people, addresses, issues)
    return people


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return str(element.text).strip() or None


def _addresses(root: Element, issues: IssueLog) -> dict[str, SiecleAddress]:
    """ADRESSE_ID → address."""
    result: dict[str, SiecleAddress] = {}
    for element in records(root, "DONNEES/ADRESSES/ADRESSE"):
        address_id = (element.get("ADRESSE_ID") or "").strip()
        if not address_id:
            issues.warning(
                element, "ADRESSE_ID", None, "une adresse sans identifiant ADRESSE_ID est ignorée."
            )
            continue
        result[address_id] = _address(Fields(element))
    return result


def _address(fields: Fields) -> SiecleAddress:
    lines = tuple(
        text
        for text in (fields.text(f"LIGNE{number}_ADRESSE") for number in range(1, 5))
        if text is not None
    )
    city = (
        fields.text("LIBELLE_POSTAL")
        or fields.text("LL_COMMUNE")
        or fields.text("COMMUNE_ETRANGERE")
        or ""
    )
    return SiecleAddress(
        lines=lines,
        postal_code=fields.text("CODE_POSTAL") or "",
        city=city,
        country=fields.text("LL_PAYS") or "",
    )


def _address_of(
    fields: Fields,
    addresses: dict[str, SiecleAddress],
    who: str,
    issues: IssueLog,
) -> SiecleAddress | None:
    address_id = fields.text("ADRESSE_ID")
    if address_id is None:
        return None
    address = addresses.get(address_id)
    if address is None:
        issues.warning(
            fields.at("ADRESSE_ID"),
            "ADRESSE_ID",
            address_id,
            f"l'adresse de {who} n'est pas dans le fichier (ADRESSES) : son adresse n'est pas "
            "mise à jour.",
        )
    return address


def _email(fields: Fields, who: str, issues: IssueLog) -> str:
    email = fields.text("MEL") or ""
    local, _at, domain = email.partition("@")
    if email and not (local and "." in domain and " " not in email):
        issues.warning(
            fields.at("MEL"),
            "MEL",
            email,
            f"l'adresse électronique de {who} n'est pas valide : elle n'est pas enregistrée.",
        )
        return ""
    return email


def _guardians(
    root: Element, people: SieclePeople, addresses: dict[str, SiecleAddress], issues: IssueLog
) -> None:
    for element in records(root, "DONNEES/PERSONNES/PERSONNE"):
        fields = Fields(element)
        personne_id = (element.get("PERSONNE_ID") or fields.text("PERSONNE_ID") or "").strip()
        last_name = fields.text("NOM_DE_FAMILLE") or fields.text("NOM")
        first_name = fields.text("PRENOM")
        who = " ".join(part for part in (last_name, first_name) if part) or "un responsable"
        if not personne_id:
            issues.error(
                element,
                "PERSONNE_ID",
                None,
                f"l'identifiant SIECLE (PERSONNE_ID) manque pour {who} : responsable ignoré.",
            )
            continue
        if last_name is None or first_name is None:
            issues.error(
                element,
                "NOM_DE_FAMILLE" if last_name is None else "PRENOM",
                None,
                f"le nom ou le prénom manque (PERSONNE_ID {personne_id}).",
            )
            continue
        if personne_id in people.guardians:
            other = people.guardians[personne_id]
            issues.error(
                element,
                "PERSONNE_ID",
                personne_id,
                f"l'identifiant PERSONNE_ID de {who} est aussi celui de {other.full_name} "
                f"(ligne {other.line}).",
            )
            continue
        people.guardians[personne_id] = SiecleGuardian(
            personne_id=personne_id,
            last_name=fields.text("NOM_USAGE") or last_name,
            first_name=first_name,
            line=element.sourceline,
            civility=fields.text("LC_CIVILITE") or "",
            home_phone=fields.text("TEL_PERSONNEL") or "",
            mobile_phone=fields.text("TEL_PORTABLE") or "",
            work_phone=fields.text("TEL_PROFESSIONNEL") or "",
            email=_email(fields, who, issues),
            address=_address_of(fields, addresses, who, issues),
        )


def _flag(fields: Fields, tag: str, issues: IssueLog) -> bool:
    text = fields.text(tag)
    try:
        return bool(parse_bool(text))
    except ValueProblem as problem:
        issues.warning(fields.at(tag), tag, text, f"{problem} La valeur « non » est retenue.")
        return False


def _links(root: Element, people: SieclePeople, issues: IssueLog) -> None:
    seen: dict[tuple[str, str], int] = {}
    for element in records(root, "DONNEES/RESPONSABLES/RESPONSABLE_ELEVE"):
        fields = Fields(element)
        eleve_id = fields.text("ELEVE_ID") or (element.get("ELEVE_ID") or "").strip()
        personne_id = fields.text("PERSONNE_ID") or (element.get("PERSONNE_ID") or "").strip()
        if not eleve_id or not personne_id:
            missing = "ELEVE_ID" if not eleve_id else "PERSONNE_ID"
            issues.error(element, missing, None, f"le lien élève–responsable n'a pas de {missing}.")
            continue
        guardian = people.guardians.get(personne_id)
        if guardian is None:
            issues.error(
                fields.at("PERSONNE_ID"),
                "PERSONNE_ID",
                personne_id,
                "ce lien désigne un responsable absent de PERSONNES (ou ignoré pour une "
                "erreur signalée plus haut).",
            )
            continue
        rank_text = fields.text("RESP_LEGAL") or "0"
        if rank_text not in ("0", "1", "2"):
            issues.error(
                fields.at("RESP_LEGAL"),
                "RESP_LEGAL",
                rank_text,
                f"{guardian.full_name} : RESP_LEGAL vaut 1 ou 2 pour un représentant légal, "
                "0 pour une autre personne.",
            )
            continue
        code = fields.text("CODE_PARENTE") or ""
        relationship = relationship_from_code(code)
        if relationship is None:
            issues.warning(
                fields.at("CODE_PARENTE"),
                "CODE_PARENTE",
                code or None,
                f"lien de parenté inconnu pour {guardian.full_name} : « autre lien » est retenu.",
            )
            relationship = Relationship.OTHER
        key = (eleve_id, personne_id)
        if key in seen:
            issues.warning(
                element,
                "RESPONSABLE_ELEVE",
                f"{eleve_id} / {personne_id}",
                f"{guardian.full_name} est lié deux fois au même élève (voir ligne "
                f"{seen[key]}) : seul le premier lien est retenu.",
            )
            continue
        seen[key] = element.sourceline
        people.links.append(
            SiecleGuardianLink(
                eleve_id=eleve_id,
                personne_id=personne_id,
                line=element.sourceline,
                relationship=relationship,
                relationship_code=code,
                legal_rank=int(rank_text),
                financial=_flag(fields, "RESP_FINANCIER", issues),
                contact=_flag(fields, "PERS_CONTACT", issues),
            )
        )


def _students(
    root: Element, people: SieclePeople, addresses: dict[str, SiecleAddress], issues: IssueLog
) -> None:
    seen: set[str] = set()
    for element in records(root, "DONNEES/ELEVES/ELEVE"):
        fields = Fields(element)
        eleve_id = (element.get("ELEVE_ID") or "").strip()
        last_name = fields.text("NOM_DE_FAMILLE") or fields.text("NOM") or ""
        first_name = fields.text("PRENOM") or ""
        who = f"{last_name} {first_name}".strip() or "un élève"
        if not eleve_id:
            issues.error(element, "ELEVE_ID", None, f"l'identifiant ELEVE_ID manque pour {who}.")
            continue
        if eleve_id in seen:
            issues.error(
                element,
                "ELEVE_ID",
                eleve_id,
                f"l'identifiant ELEVE_ID apparaît plusieurs fois : {who} est ignoré.",
            )
            continue
        seen.add(eleve_id)
        ine = fields.text("ID_NATIONAL") or fields.text("INE_RNIE")
        people.students.append(
            SiecleStudentAddress(
                eleve_id=eleve_id,
                last_name=last_name,
                first_name=first_name,
                line=element.sourceline,
                ine=ine.upper() if ine else None,
                address=_address_of(fields, addresses, who, issues),
            )
        )
