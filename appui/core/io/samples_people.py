"""Fictitious ``ResponsablesAvecAdresses.xml`` and ``ElevesAvecAdresses.xml``, for tests and
the bench.

Same roots, elements and encoding (ISO-8859-15) as SIECLE's exports, in the shape of BEE
version 4.0 or of the older 2.0 (``NOM`` instead of ``NOM_DE_FAMILLE``, no mobile or work
phone, no ``PERS_CONTACT``, no country name, the town only in ``LIBELLE_POSTAL``).
:func:`fictitious_guardians` invents one or two guardians for each pupil of a
:mod:`~appui.core.io.samples` school. Every name and address is made up.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from appui.core.io.samples import SampleStudent

__all__ = [
    "SampleAddress",
    "SampleGuardian",
    "SampleLink",
    "eleves_addresses_xml",
    "fictitious_guardians",
    "responsables_xml",
]


@dataclass(frozen=True, slots=True)
class SampleAddress:
    """A postal address of a fictitious export."""

    id: str
    lines: tuple[str, ...] = ("12 RUE DES TILLEULS",)
    postal_code: str = "21000"
    city: str = "DIJON"
    country: str = "FRANCE"


@dataclass(frozen=True, slots=True)
class SampleGuardian:
    """A ``PERSONNE`` of a fictitious Responsables export."""

    personne_id: str
    last_name: str
    first_name: str
    civility: str = "MME"
    home_phone: str | None = None
    mobile_phone: str | None = None
    work_phone: str | None = None
    email: str | None = None
    address: SampleAddress | None = None


@dataclass(frozen=True, slots=True)
class SampleLink:
    """A ``RESPONSABLE_ELEVE``: relationship code, legal rank, financial and contact flags."""

    eleve_id: str
    personne_id: str
    code: str = "10"
    legal: str = "1"
    financial: str = "1"
    contact: str = "1"


def _sub(parent: Any, tag: str, text: object | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text.strftime("%d/%m/%Y") if isinstance(text, date) else str(text)
    return element


def _root(
    name: str, *, version: str, uai: str, school_year: int, export_date: date
) -> tuple[Any, Any]:
    root = etree.Element(name, VERSION=version)
    params = _sub(root, "PARAMETRES")
    _sub(params, "UAJ", uai)
    _sub(params, "ANNEE_SCOLAIRE", school_year)
    _sub(params, "DATE_EXPORT", export_date)
    _sub(params, "HORODATAGE", f"{export_date:%d/%m/%Y} 08:00:00")
    return root, _sub(root, "DONNEES")


def _addresses(data: Any, addresses: Iterable[SampleAddress], *, old: bool) -> None:
    holder = _sub(data, "ADRESSES")
    done: set[str] = set()
    for address in addresses:
        if address.id in done:
            continue
        done.add(address.id)
        element = _sub(holder, "ADRESSE", ADRESSE_ID=address.id)
        for number, line in enumerate(address.lines[:4], start=1):
            _sub(element, f"LIGNE{number}_ADRESSE", line)
        _sub(element, "CODE_POSTAL", address.postal_code)
        _sub(element, "LIBELLE_POSTAL", address.city)
        if not old:
            _sub(element, "LL_COMMUNE", address.city)
            _sub(element, "CODE_PAYS", "100" if address.country == "FRANCE" else "999")
            _sub(element, "LL_PAYS", address.country)


def _encode(root: Any, encoding: str) -> bytes:
    return bytes(etree.tostring(root, encoding=encoding, xml_declaration=True, pretty_print=True))


def responsables_xml(
    guardians: Iterable[SampleGuardian],
    links: Iterable[SampleLink],
    *,
    version: str = "4.0",
    uai: str = "0999999F",
    school_year: int = 2026,
    export_date: date = date(2026, 9, 15),
    encoding: str = "ISO-8859-15",
) -> bytes:
    """A fictitious ``ResponsablesAvecAdresses.xml`` (root ``BEE_RESPONSABLES``)."""
    guardians = list(guardians)
    old = version.startswith("2.")
    root, data = _root(
        "BEE_RESPONSABLES",
        version=version,
        uai=uai,
        school_year=school_year,
        export_date=export_date,
    )
    people = _sub(data, "PERSONNES")
    for guardian in guardians:
        person = _sub(people, "PERSONNE", PERSONNE_ID=guardian.personne_id)
        _sub(person, "LC_CIVILITE", guardian.civility)
        _sub(person, "NOM" if old else "NOM_DE_FAMILLE", guardian.last_name)
        _sub(person, "PRENOM", guardian.first_name)
        phones = [("TEL_PERSONNEL", guardian.home_phone)]
        if not old:
            phones += [
                ("TEL_PORTABLE", guardian.mobile_phone),
                ("TEL_PROFESSIONNEL", guardian.work_phone),
            ]
        for tag, value in phones:
            if value:
                _sub(person, tag, value)
        if guardian.email:
            _sub(person, "MEL", guardian.email)
        if guardian.address is not None:
            _sub(person, "ADRESSE_ID", guardian.address.id)
    holder = _sub(data, "RESPONSABLES")
    for link in links:
        element = _sub(holder, "RESPONSABLE_ELEVE")
        _sub(element, "ELEVE_ID", link.eleve_id)
        _sub(element, "PERSONNE_ID", link.personne_id)
        _sub(element, "RESP_LEGAL", link.legal)
        _sub(element, "CODE_PARENTE", link.code)
        _sub(element, "RESP_FINANCIER", link.financial)
        if not old:
            _sub(element, "PERS_CONTACT", link.contact)
    _addresses(data, (g.address for g in guardians if g.address is not None), old=old)
    return _encode(root, encoding)


def eleves_addresses_xml(
    students: Iterable[tuple[SampleStudent, SampleAddress | None]],
    *,
    version: str = "4.0",
    uai: str = "0999999F",
    school_year: int = 2026,
    export_date: date = date(2026, 9, 15),
    encoding: str = "ISO-8859-15",
) -> bytes:
    """A fictitious ``ElevesAvecAdresses.xml`` reduced to what addresses need: identifiers,
    names, MEF, ``ADRESSE_ID`` and the ``ADRESSES``."""
    students = list(students)
    old = version.startswith("2.")
    root, data = _root(
        "BEE_ELEVES", version=version, uai=uai, school_year=school_year, export_date=export_date
    )
    holder = _sub(data, "ELEVES")
    for student, address in students:
        element = _sub(holder, "ELEVE", ELEVE_ID=student.eleve_id)
        if student.ine:
            _sub(element, "ID_NATIONAL", student.ine)
        _sub(element, "NOM" if old else "NOM_DE_FAMILLE", student.last_name)
        _sub(element, "PRENOM", student.first_name)
        _sub(element, "DATE_NAISS", student.birth_date)
        _sub(element, "CODE_MEF", student.mef_code)
        if address is not None:
            _sub(element, "ADRESSE_ID", address.id)
    _addresses(data, (address for _s, address in students if address is not None), old=old)
    return _encode(root, encoding)


_STREETS = (
    "RUE DES TILLEULS", "AVENUE JEAN JAURÈS", "CHEMIN DES VIGNES", "PLACE DE L'ÉGLISE",
    "RUE VICTOR HUGO", "IMPASSE DES ÉCOLES", "ROUTE DE BEAUNE", "RUE DU MOULIN",
)  # fmt: skip
_TOWNS = (("21000", "DIJON"), ("21200", "BEAUNE"), ("21300", "CHENOVE"), ("21800", "QUETIGNY"))
_GUARDIAN_NAMES = ("Sophie", "Nathalie", "Karim", "Stéphane", "Amélie", "Hervé", "Mélanie")


def fictitious_guardians(
    students: Sequence[SampleStudent], *, seed: int = 0
) -> tuple[list[SampleGuardian], list[SampleLink]]:
    """One or two guardians for each pupil, deterministic for ``seed``.

    Most pupils have a mother and a father at the same address; some parents live apart
    (two addresses); one pupil in twenty has a third person to contact (``RESP_LEGAL`` 0).
    """
    rng = random.Random(seed)
    guardians: list[SampleGuardian] = []
    links: list[SampleLink] = []
    next_id = 500_000
    for student in students:
        street = f"{rng.randint(1, 120)} {rng.choice(_STREETS)}"
        postal_code, city = rng.choice(_TOWNS)
        home = SampleAddress(f"A{next_id}", (street,), postal_code, city)
        apart = rng.random() < 0.2
        people = [("MME", "10", "1"), ("M.", "20", "2")][: rng.choice((1, 2, 2, 2))]
        if rng.random() < 0.05:
            people.append(("MME", "38", "0"))
        for civility, code, legal in people:
            next_id += 1
            address = home
            if (apart and code == "20") or legal == "0":
                address = SampleAddress(
                    f"A{next_id}", (f"{rng.randint(1, 60)} {rng.choice(_STREETS)}",), *_TOWNS[0]
                )
            first = rng.choice(_GUARDIAN_NAMES)
            guardians.append(
                SampleGuardian(
                    personne_id=str(next_id),
                    last_name=student.last_name,
                    first_name=first,
                    civility=civility,
                    mobile_phone=f"06{next_id:08d}",
                    email=f"parent{next_id}@famille.example.org",
                    address=address,
                )
            )
            links.append(
                SampleLink(
                    student.eleve_id,
                    str(next_id),
                    code=code,
                    legal=legal,
                    financial="1" if legal == "1" else "0",
                    contact="1",
                )
            )
    return guardians, links
