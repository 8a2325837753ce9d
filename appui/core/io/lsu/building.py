"""Writing the LSU XML: :func:`build_lsu` turns checked records into the file, in the order
the schema fixes, and validates its own output."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from .gaps import lsu_gaps
from .records import LsuError, LsuExport, LsuPeriod, LsuReport
from .schema import LSU_NAMESPACE, SCHEMA_VERSION, clean_text, is_blank, validate_lsu


class _Ids:
    """Stable XML identifiers (xs:ID must be a name: letters first, no spaces)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()

    def __call__(self, prefix: str, key: str) -> str:
        existing = self._ids.get((prefix, key))
        if existing is not None:
            return existing
        base = f"{prefix}_{re.sub(r'[^A-Za-z0-9_.-]', '_', key)}"
        candidate, counter = base, 1
        while candidate in self._used:
            counter += 1
            candidate = f"{base}_{counter}"
        self._ids[(prefix, key)] = candidate
        self._used.add(candidate)
        return candidate


def _element(parent: Any, name: str, text: str | None = None, **attributes: str | None) -> Any:
    element = etree.SubElement(parent, f"{{{LSU_NAMESPACE}}}{name}")
    for attribute, value in attributes.items():
        cleaned = None if value is None else clean_text(value)
        if cleaned:
            element.set(attribute.replace("_", "-"), cleaned)
    if text is not None:
        element.text = clean_text(text)
    return element


def _optional_text(parent: Any, name: str, text: str | None) -> None:
    if text is not None and not is_blank(text):
        _element(parent, name, text)


def build_lsu(export: LsuExport, *, xsd_path: str | Path | None = None) -> bytes:
    """The LSU XML for ``export``, UTF-8 encoded, validated against the schema.

    Raises :class:`LsuError` listing the gaps (see :func:`lsu_gaps`) when the records lack
    something the LSU requires, or the schema errors if the output does not validate.
    ``xsd_path`` defaults to the schema shipped with appui.
    """
    gaps = lsu_gaps(export)
    if gaps:
        raise LsuError(gaps)
    ids = _Ids()
    root = etree.Element(f"{{{LSU_NAMESPACE}}}lsun-bilans", nsmap={None: LSU_NAMESPACE})
    root.set("schemaVersion", SCHEMA_VERSION)
    header = _element(root, "entete")
    _element(header, "editeur", export.editor.strip())
    _element(header, "application", export.application.strip())
    _optional_text(header, "appliVersion", export.app_version)
    _element(header, "etablissement", export.uai.strip().upper())

    data = _element(root, "donnees")
    # The schema fixes the order of these sections.
    _write_people(data, export, ids)
    period_id = _write_period(data, export.period, ids)
    _write_disciplines_and_teachers(data, export, ids)
    _write_aps(data, export, ids)
    if export.reports:
        reports = _element(data, "bilans-periodiques")
        for report in export.reports:
            _report(reports, report, period_id, ids)

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    problems = validate_lsu(xml, xsd_path)
    if problems:
        raise LsuError(problems)
    return bytes(xml)


def _write_people(data: etree._Element, export: LsuExport, ids: _Ids) -> None:
    """``responsables-etab`` and ``eleves``."""
    managers = _element(data, "responsables-etab")
    for manager in export.managers:
        _element(managers, "responsable-etab", id=ids("RESP", manager), libelle=manager.strip())
    students = _element(data, "eleves")
    for student in export.students:
        _element(
            students,
            "eleve",
            id=ids("EL", student.key),
            id_be=str(int(student.eleve_id)),
            nom=student.last_name.strip(),
            prenom=student.first_name.strip(),
            code_division=student.division.strip(),
        )


def _write_period(data: etree._Element, period: LsuPeriod, ids: _Ids) -> str:
    """``periodes``; returns the period's identifier."""
    period_id = ids("P", str(period.index))
    periods = _element(data, "periodes")
    _element(
        periods,
        "periode",
        id=period_id,
        millesime=str(period.school_year),
        indice=str(period.index),
        nb_periodes=str(period.count),
    )
    return period_id


def _write_disciplines_and_teachers(data: etree._Element, export: LsuExport, ids: _Ids) -> None:
    """``disciplines`` and ``enseignants``, when there are any."""
    if export.disciplines:
        disciplines = _element(data, "disciplines")
        for discipline in export.disciplines:
            _element(
                disciplines,
                "discipline",
                id=ids("DI", discipline.key),
                code=discipline.code,
                code_national=discipline.national_code,
                modalite_election=discipline.modality,
                libelle=discipline.label.strip(),
            )
    if export.teachers:
        teachers = _element(data, "enseignants")
        for teacher in export.teachers:
            _element(
                teachers,
                "enseignant",
                id=ids("ENS", teacher.key),
                type=teacher.type,
                id_sts=str(int(teacher.sts_id)),
                civilite=teacher.civility,
                nom=teacher.last_name.strip() if teacher.last_name else None,
                prenom=teacher.first_name.strip() if teacher.first_name else None,
            )


def _write_aps(data: etree._Element, export: LsuExport, ids: _Ids) -> None:
    """``acc-persos`` and ``acc-persos-groupes`` with their teachers and disciplines."""
    if export.aps:
        aps = _element(data, "acc-persos")
        for ap in export.aps:
            element = _element(
                aps,
                "acc-perso",
                id=ids("AP", ap.key),
                intitule=ap.title.strip(),
                discipline_refs=" ".join(ids("DI", key) for key in ap.discipline_keys),
            )
            _optional_text(element, "description", ap.description)
    if export.groups:
        groups = _element(data, "acc-persos-groupes")
        for group in export.groups:
            element = _element(
                groups,
                "acc-perso-groupe",
                id=ids("APG", group.key),
                acc_perso_ref=ids("AP", group.ap_key),
                intitule=group.title.strip(),
            )
            _optional_text(element, "commentaire", group.comment)
            teachings = _element(element, "enseignants-disciplines")
            for teaching in group.teachings:
                _element(
                    teachings,
                    "enseignant-discipline",
                    enseignant_ref=ids("ENS", teaching.teacher_id),
                    discipline_ref=ids("DI", teaching.discipline_key),
                )


def _lock_time(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    return value.isoformat()


def _report(parent: Any, report: LsuReport, period_id: str, ids: _Ids) -> None:
    # lsu_gaps() has checked every required field; the asserts only narrow types.
    assert report.council_date and report.schooling_start and report.lock_time
    assert report.manager and report.advice and report.school_life
    element = _element(
        parent,
        "bilan-periodique",
        prof_princ_refs=" ".join(ids("ENS", t) for t in report.main_teacher_ids) or None,
        eleve_ref=ids("EL", report.eleve_id),
        periode_ref=period_id,
        date_conseil_classe=report.council_date.isoformat(),
        date_scolarite=report.schooling_start.isoformat(),
        date_verrou=_lock_time(report.lock_time),
        responsable_etab_ref=ids("RESP", report.manager),
    )
    assessments = _element(element, "liste-acquis")
    for assessment in report.assessments:
        acquis = _element(
            assessments,
            "acquis",
            discipline_ref=ids("DI", assessment.discipline_key),
            enseignant_refs=" ".join(ids("ENS", t) for t in assessment.teacher_ids),
            moyenne_eleve=assessment.student_average,
            moyenne_structure=assessment.class_average,
            eleve_non_note="1" if assessment.not_graded else None,
            positionnement=None if assessment.positioning is None else str(assessment.positioning),
        )
        _optional_text(acquis, "appreciation", assessment.appreciation)
    if report.aps:
        aps = _element(element, "acc-persos-eleve")
        for participation in report.aps:
            item = _element(
                aps, "acc-perso-eleve", acc_perso_groupe_ref=ids("APG", participation.group_key)
            )
            _optional_text(item, "commentaire", participation.comment)
    _element(element, "acquis-conseils", report.advice.strip())
    life = report.school_life
    school_life = _element(
        element,
        "vie-scolaire",
        nb_retards=str(life.late),
        nb_abs_justifiees=str(life.justified_absences),
        nb_abs_injustifiees=str(life.unjustified_absences),
        nb_heures_manquees=None if life.missed_hours is None else str(life.missed_hours),
    )
    _optional_text(school_life, "commentaire", life.comment)
