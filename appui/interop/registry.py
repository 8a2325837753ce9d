"""Every kind of import, declared once.

One :class:`ImportKind` per format says everything appui needs to offer it: the card of the
imports page (label, help text, button), the upload page (title, instructions, form), who
may use it, how its file is read and planned (``analyse``, which returns an
:class:`~appui.interop.plan.Importer` whose ``write`` applies it) and the management command
that runs it. The imports page, the upload view, the analyse/apply dispatch of
:mod:`~appui.interop.services`, the batch's kind validation and the commands all read
:data:`KINDS`. Adding a format is a parser, an importer, one entry here and its tests; the
stored kind is a plain string, so no migration either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from appui.core.io.siecle import parse_nomenclature, parse_siecle
from appui.core.io.siecle_people import parse_people
from appui.core.io.sts import parse_sts
from appui.core.io.tabular import read_table
from appui.diagnostics.access import can_manage_campaign
from appui.diagnostics.models import Campaign
from appui.schools.access import SchoolAccess
from appui.schools.models import Academy, School

from . import forms
from .ent_accounts import EntAccountsForm, EntAccountsImport, analyse_ent_accounts
from .guardian_import import GuardianImport
from .lsu_import import LsuTableImport
from .plan import Importer, ImportRefused
from .results_import import ResultsImport
from .siecle_import import SiecleImport
from .sts_import import StsImport
from .table_import import StaffTableImport, StudentTableImport

if TYPE_CHECKING:
    from .models import ImportBatch

#: ``school=FROM_FILE``: the school is the one the file names (commands).
FROM_FILE = object()

Analyser = Callable[..., Importer]


@dataclass(frozen=True)
class ImportKind:
    """One import format, as the pages, the services and the commands know it."""

    key: str  # stored on ImportBatch.kind
    slug: str  # in the upload URL (French, as the other URLs)
    label: Promise  # the card's title
    help_text: Promise  # the card's text
    action: Promise  # the card's button
    title: Promise  # the upload page's title
    short: Promise  # the upload page's breadcrumb
    form: type[forms.UploadForm]
    analyse: Analyser
    importer: type[Importer]  # what ``analyse`` returns; its ``write`` applies the import
    allowed: Callable[[SchoolAccess], bool]
    command: str
    # May run with no school yet (the first SIECLE import creates it).
    creates_school: bool = False
    # Who may open one stored batch, beyond ``allowed`` (a results batch: its campaign).
    batch_allowed: Callable[[SchoolAccess, ImportBatch], bool] | None = None

    @property
    def instructions(self) -> str:
        """The upload page's description of the file."""
        return f"interop/import_help/{self.key}.html"

    def may_open(self, access: SchoolAccess, batch: ImportBatch) -> bool:
        if not self.allowed(access):
            return False
        return self.batch_allowed is None or self.batch_allowed(access, batch)


# ------------------------------------------------------------------------------ analysers
# Each reads the file with appui.core.io and plans the import against the database, writing
# nothing: (school, content, file_name, extra_content, extra_name, options) → Importer.


def _school_of(school, uai: str) -> School | None:
    if school is FROM_FILE:
        return School.objects.filter(uai=uai).first()
    return school


def _chosen_school(school) -> School:
    if school is None or school is FROM_FILE:
        raise ImportRefused("Choisissez l'établissement dans lequel importer ce fichier.")
    return school


def analyse_siecle(*, school, content, file_name, extra_content, extra_name, options):
    """``school=FROM_FILE`` (adding a school): the file's UAI decides, an existing school is
    imported into and an unknown one is created, in the académie of ``options``."""
    export = parse_siecle(content, file_name)
    nomenclature = (
        parse_nomenclature(extra_content, extra_name or "Nomenclature.xml")
        if extra_content
        else None
    )
    return SiecleImport(
        export,
        school=_school_of(school, export.parameters.uai),
        nomenclature=nomenclature,
        school_name=options.get("school_name", ""),
        holiday_zone=options.get("holiday_zone", ""),
        academy=Academy.objects.filter(pk=options["academy"]).first()
        if options.get("academy")
        else None,
    )


def analyse_sts(*, school, content, file_name, **_files):
    export = parse_sts(content, file_name)
    school = _school_of(school, export.parameters.uai)
    if school is None:
        raise ImportRefused(
            f"L'établissement {export.parameters.uai} n'est pas dans appui : importez "
            "d'abord ses élèves depuis SIECLE. Rien n'a été importé."
        )
    return StsImport(export, school=school)


def analyse_students(*, school, content, file_name, options, **_files):
    table = read_table(content, file_name)
    return StudentTableImport(
        table, school=_chosen_school(school), absent_left=bool(options.get("absent_left"))
    )


def analyse_staff(*, school, content, file_name, options, **_files):
    table = read_table(content, file_name)
    return StaffTableImport(
        table, school=_chosen_school(school), absent_left=bool(options.get("absent_left"))
    )


def analyse_lsu(*, school, content, file_name, options, **_files):
    table = read_table(content, file_name)
    return LsuTableImport(table, school=_chosen_school(school), period_id=options.get("period"))


def analyse_results(*, school, content, file_name, options, **_files):
    campaign = (
        Campaign.objects.select_related("year__school", "level", "framework")
        .filter(pk=options.get("campaign"))
        .first()
    )
    if campaign is None or (school not in (None, FROM_FILE) and campaign.year.school != school):
        raise ImportRefused("Choisissez la campagne de ces résultats. Rien n'a été importé.")
    return ResultsImport(campaign, content, file_name)


def analyse_guardians(*, school, content, file_name, **_files):
    people = parse_people(content, file_name)
    school = _school_of(school, people.parameters.uai)
    if school is None:
        raise ImportRefused(
            f"L'établissement {people.parameters.uai} n'est pas dans appui : importez "
            "d'abord ses élèves depuis SIECLE. Rien n'a été importé."
        )
    return GuardianImport(people, school=school)


def _is_head(access: SchoolAccess) -> bool:
    return access.is_head


def _manages_campaign(access: SchoolAccess, batch: ImportBatch) -> bool:
    return batch.campaign is not None and can_manage_campaign(access, batch.campaign)


_ENTRIES = (
    ImportKind(
        key="siecle",
        slug="siecle",
        label=_("Students from SIECLE"),
        help_text=_(
            "ExportXML_ElevesSansAdresses.zip or ExportXML_ElevesAvecAdresses.zip: "
            "students, divisions, groups and levels (from MEF codes). A file of the next "
            "school year opens that year beside the current one."
        ),
        action=_("Import from SIECLE"),
        title=_("Import students from SIECLE"),
        short=_("SIECLE"),
        form=forms.SiecleForm,
        analyse=analyse_siecle,
        importer=SiecleImport,
        allowed=_is_head,
        command="import_siecle",
        creates_school=True,
    ),
    ImportKind(
        key="sts",
        slug="sts",
        label=_("Staff and services from STS-web"),
        help_text=_(
            "sts_emp_UAI_year.xml: staff, subjects, who teaches what to which division or "
            "group, professeurs principaux."
        ),
        action=_("Import from STS-web"),
        title=_("Import staff and services from STS-web"),
        short=_("STS-web"),
        form=forms.StsForm,
        analyse=analyse_sts,
        importer=StsImport,
        allowed=_is_head,
        command="import_sts",
    ),
    ImportKind(
        key="students",
        slug="eleves",
        label=_("Students from a spreadsheet"),
        help_text=_(
            "For a school without SIECLE files: CSV, Excel or LibreOffice, one row per student."
        ),
        action=_("Import students"),
        title=_("Import students from a spreadsheet"),
        short=_("Students"),
        form=forms.StudentTableForm,
        analyse=analyse_students,
        importer=StudentTableImport,
        allowed=_is_head,
        command="import_students",
    ),
    ImportKind(
        key="staff",
        slug="personnels",
        label=_("Staff from a spreadsheet"),
        help_text=_(
            "For a school without STS-web files: CSV, Excel or LibreOffice, one row per person."
        ),
        action=_("Import staff"),
        title=_("Import staff from a spreadsheet"),
        short=_("Staff"),
        form=forms.StaffTableForm,
        analyse=analyse_staff,
        importer=StaffTableImport,
        allowed=_is_head,
        command="import_students",  # with --staff
    ),
    ImportKind(
        key="results",
        slug="resultats",
        label=_("Diagnostic results"),
        help_text=_(
            "A campaign's results from a spreadsheet: CSV, Excel or LibreOffice, one row per "
            "student, one column per competency."
        ),
        action=_("Import results"),
        title=_("Import results"),
        short=_("Results"),
        form=forms.ResultsForm,
        analyse=analyse_results,
        importer=ResultsImport,
        allowed=lambda access: access.can_coordinate,
        command="import_results",
        batch_allowed=_manages_campaign,
    ),
    ImportKind(
        key="lsu",
        slug="bilans-lsu",
        label=_("Periodic reports for the LSU"),
        help_text=_(
            "Collège: subject assessments, « acquis et conseils » and attendance from your "
            "school-life software, which the LSU export needs."
        ),
        action=_("Import periodic reports"),
        title=_("Import periodic reports for the LSU"),
        short=_("LSU periodic reports"),
        form=forms.LsuTableForm,
        analyse=analyse_lsu,
        importer=LsuTableImport,
        allowed=_is_head,
        command="import_lsu",
    ),
    ImportKind(
        key="guardians",
        slug="responsables",
        label=_("Guardians and addresses (SIECLE)"),
        help_text=_(
            "ResponsablesAvecAdresses.xml: guardians, their relationship, postal address, "
            "e-mail and phones, linked to their children. ElevesAvecAdresses.xml: the "
            "students' addresses."
        ),
        action=_("Import guardians"),
        title=_("Import guardians and addresses from SIECLE"),
        short=_("Guardians"),
        form=forms.GuardiansForm,
        analyse=analyse_guardians,
        importer=GuardianImport,
        allowed=_is_head,
        command="import_guardians",
    ),
    ImportKind(
        key="ent_accounts",
        slug="comptes-ent",
        label=_("ENT accounts (sign-on)"),
        help_text=_(
            "The accounts export of your ENT (CSV, Excel or LibreOffice): links each ENT "
            "identifier to the appui account of the same person, so that they log in with "
            "the ENT. No account is created."
        ),
        action=_("Link ENT accounts"),
        title=_("Link ENT accounts to appui"),
        short=_("ENT accounts"),
        form=EntAccountsForm,
        analyse=analyse_ent_accounts,
        importer=EntAccountsImport,
        allowed=_is_head,
        command="import_ent_accounts",
    ),
)

#: Every import kind by its stored key, in the order of the imports page.
KINDS: dict[str, ImportKind] = {entry.key: entry for entry in _ENTRIES}
#: The same, by URL slug.
BY_SLUG: dict[str, ImportKind] = {entry.slug: entry for entry in _ENTRIES}


def kinds_for(access: SchoolAccess | None) -> list[ImportKind]:
    """The kinds this user may use here; with no school yet, those that create one."""
    if access is None:
        return [entry for entry in _ENTRIES if entry.creates_school]
    return [entry for entry in _ENTRIES if entry.allowed(access)]
