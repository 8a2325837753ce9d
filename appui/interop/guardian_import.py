"""Guardians and postal addresses from SIECLE: resolve → clean → preview, then one transaction.

Input: what :func:`appui.core.io.siecle_people.parse_people` read from
``ResponsablesAvecAdresses.xml`` (guardians, their links to pupils, addresses) or from
``ElevesAvecAdresses.xml`` (pupils' addresses only). The analysis reads the school's pupils and
guardians once and plans:

- each guardian: matched by SIECLE ``PERSONNE_ID`` — never by name alone; a guardian appui
  holds without SIECLE id (entered by hand) is adopted only when they have the same name *and*
  are already linked to one of the person's children —, new or changed field by field;
- each link pupil × guardian (relationship, legal rank, financial and contact flags): new or
  changed; pupils are matched by SIECLE ``ELEVE_ID``;
- pupils' addresses (ElevesAvecAdresses): matched by ``ELEVE_ID`` then INE; addresses are
  updated, pupils are never created.

Nothing is ever deleted: a guardian or a link absent from a new file is kept and listed as
such. A field the file leaves empty does not erase what appui holds (older BEE versions lack
some); an address in the file replaces the stored one as a whole. Re-importing the same file
plans nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from appui.audit import trail
from appui.core.io.errors import ImportIssue, Severity
from appui.core.io.siecle_people import (
    GUARDIANS,
    SiecleAddress,
    SiecleGuardian,
    SiecleGuardianLink,
    SieclePeople,
)
from appui.core.text import fold
from appui.schools.models import Guardian, School, Student, StudentGuardian
from appui.schools.selectors import current_year

from .plan import CHANGED, KEPT, NEW, Change, Entry, Importer, ImportRefused, Plan, show

GUARDIAN_FIELDS = (
    ("civility", "Civilité"),
    ("last_name", "Nom"),
    ("first_name", "Prénom"),
    ("email", "Courriel"),
    ("phone", "Téléphone personnel"),
    ("mobile_phone", "Téléphone portable"),
    ("work_phone", "Téléphone professionnel"),
)
ADDRESS_FIELDS = (
    ("address_lines", "Adresse"),
    ("postal_code", "Code postal"),
    ("city", "Commune"),
    ("country", "Pays"),
)
LINK_FIELDS = (
    ("relationship", "Lien"),
    ("legal_rank", "Représentant légal"),
    ("financial", "Responsable financier"),
    ("contact", "Personne à contacter"),
)
FIELD_NAMES = dict(GUARDIAN_FIELDS + ADDRESS_FIELDS + LINK_FIELDS)
RELATIONSHIP_LABELS = {
    "mother": "mère",
    "father": "père",
    "tutor": "tuteur",
    "family": "autre membre de la famille",
    "social": "aide sociale, éducateur ou famille d'accueil",
    "self": "l'élève lui-même",
    "other": "autre lien",
}


def _rank(value: object) -> str:
    return {0: "non", 1: "oui (1)", 2: "oui (2)"}.get(value, show(value))  # type: ignore[call-overload]


def _address_values(address: SiecleAddress | None) -> dict[str, str]:
    """The stored address fields for ``address``; nothing when the file gives none."""
    if address is None or address.empty:
        return {}
    return {
        "address_lines": address.address_lines,
        "postal_code": address.postal_code[:10],
        "city": address.city[:100],
        "country": address.country[:100],
    }


class GuardianImport(Importer):
    """The plan for one Responsables (or ElevesAvecAdresses) file, and how to write it."""

    school: School

    def __init__(self, people: SieclePeople, *, school: School) -> None:
        self.people = people
        self.school = school
        self.plan = Plan("guardians", people.file_name)
        self.new_guardians: list[Guardian] = []
        self.changed_guardians: list[Guardian] = []
        self.guardian_fields: set[str] = set()
        self.new_links: list[StudentGuardian] = []
        self.changed_links: list[StudentGuardian] = []
        self.link_fields: set[str] = set()
        self.changed_students: list[Student] = []
        self.student_fields: set[str] = set()
        self._analyse()

    # ------------------------------------------------------------------ analysis
    def _analyse(self) -> None:
        people = self.people
        self.plan.issues.extend(people.issues)
        self._check_school()
        facts = self.plan.facts
        facts.append(("Établissement", f"{self.school.name} ({self.school.uai})"))
        what = "Responsables" if people.kind == GUARDIANS else "Adresses des élèves"
        facts.append(("Fichier SIECLE", f"{what} (BEE {people.version or '?'})"))
        if people.parameters.export_date:
            facts.append(("Export SIECLE du", show(people.parameters.export_date)))
        students = list(Student.objects.filter(school=self.school))
        self.by_siecle = {s.siecle_id: s for s in students if s.siecle_id}
        self.by_ine = {s.ine: s for s in students if s.ine}
        if people.kind == GUARDIANS:
            facts.append(
                (
                    "Dans le fichier",
                    f"{len(people.guardians)} responsables, {len(people.links)} liens avec "
                    "des élèves",
                )
            )
            self._plan_guardians()
            self._plan_links()
        else:
            facts.append(("Élèves dans le fichier", str(len(people.students))))
            self._plan_student_addresses()

    def _check_school(self) -> None:
        params = self.people.parameters
        if params.uai != self.school.uai:
            raise ImportRefused(
                f"Ce fichier est l'export de l'établissement {params.uai}, pas celui de "
                f"{self.school.name} ({self.school.uai}). Rien n'a été importé."
            )
        year = current_year(self.school)
        if year is not None and year.start_year != params.school_year:
            raise ImportRefused(
                f"Ce fichier concerne l'année scolaire {params.school_year_label}, alors que "
                f"l'année en cours de {self.school.name} dans appui est {year.label}. "
                "Rien n'a été importé."
            )

    def _issue(self, line: int | None, field: str, value: str | None, message: str) -> None:
        self.plan.issues.append(
            ImportIssue(
                file=self.people.file_name,
                line=line,
                field=field,
                value=value,
                message=message,
                severity=Severity.WARNING,
            )
        )

    def _error(self, line: int | None, field: str, value: str | None, message: str) -> None:
        self.plan.issues.append(
            ImportIssue(
                file=self.people.file_name, line=line, field=field, value=value, message=message
            )
        )

    def _wanted(self, record: SiecleGuardian) -> dict[str, str]:
        return {
            "civility": record.civility[:10],
            "last_name": record.last_name,
            "first_name": record.first_name,
            "email": record.email,
            "phone": record.home_phone[:30],
            "mobile_phone": record.mobile_phone[:30],
            "work_phone": record.work_phone[:30],
            **_address_values(record.address),
        }

    def _plan_guardians(self) -> None:
        section = self.plan.section("guardians", "Responsables")
        existing = list(Guardian.objects.filter(school=self.school))
        self.existing_guardians = existing
        by_id = {g.siecle_id: g for g in existing if g.siecle_id}
        # Guardians entered by hand: adopted by name *and* child, never by name alone.
        children: dict[int, set[int]] = {}
        for guardian_id, student_id in StudentGuardian.objects.filter(
            guardian__school=self.school, guardian__siecle_id=""
        ).values_list("guardian_id", "student_id"):
            children.setdefault(guardian_id, set()).add(student_id)
        unnamed = {
            (fold(g.last_name), fold(g.first_name), student_id): g
            for g in existing
            if not g.siecle_id
            for student_id in children.get(g.pk, ())
        }
        pupils_of: dict[str, list[Student]] = {}
        for link in self.people.links:
            student = self.by_siecle.get(link.eleve_id)
            if student is not None:
                pupils_of.setdefault(link.personne_id, []).append(student)
        self.guardians: dict[str, Guardian] = {}
        seen: set[int] = set()
        for record in self.people.guardians.values():
            target = by_id.get(record.personne_id)
            note = ""
            if target is None:
                name = (fold(record.last_name), fold(record.first_name))
                for student in pupils_of.get(record.personne_id, ()):
                    target = unnamed.get((*name, student.pk))
                    if target is not None and target.pk not in seen:
                        note = "reconnu par son nom et son enfant : identifiant SIECLE ajouté"
                        break
                    target = None
            wanted = self._wanted(record)
            if target is None:
                self._create_guardian(section, record, wanted)
                continue
            seen.add(target.pk)
            self.guardians[record.personne_id] = target
            self._update_guardian(section, record, target, wanted, note)
        for guardian in existing:
            if guardian.pk not in seen and guardian.siecle_id:
                section.add(
                    Entry(KEPT, str(guardian), note="absent du fichier : conservé tel quel")
                )

    def _clean(self, record_line: int, who: str, obj, exclude: list[str]) -> bool:
        try:
            obj.clean_fields(exclude=exclude)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self._error(
                    record_line,
                    name,
                    str(getattr(obj, name, "")),
                    f"{who} : {FIELD_NAMES.get(name, name)} — {' '.join(messages)}",
                )
            return False
        return True

    def _create_guardian(self, section, record: SiecleGuardian, wanted: dict) -> None:
        guardian = Guardian(school=self.school, siecle_id=record.personne_id, **wanted)
        if not self._clean(record.line, record.full_name, guardian, ["school", "user"]):
            return
        self.guardians[record.personne_id] = guardian
        self.new_guardians.append(guardian)
        town = " ".join(part for part in (guardian.postal_code, guardian.city) if part)
        section.add(Entry(NEW, str(guardian), town, line=record.line))

    def _update_guardian(
        self, section, record: SiecleGuardian, guardian: Guardian, wanted: dict, note: str
    ) -> None:
        changes: list[Change] = []
        names: set[str] = set()
        for name, label in GUARDIAN_FIELDS + ADDRESS_FIELDS:
            if name not in wanted:
                continue
            value = wanted[name]
            old = getattr(guardian, name)
            # Older BEE versions lack some fields: an empty value keeps what appui holds;
            # an address, when the file has one, replaces the stored one as a whole.
            if value == old or (not value and name not in dict(ADDRESS_FIELDS)):
                continue
            changes.append(Change(label, show(old), show(value)))
            names.add(name)
            setattr(guardian, name, value)
        if note:
            guardian.siecle_id = record.personne_id
            names.add("siecle_id")
        if not names:
            section.unchanged()
            return
        if not self._clean(record.line, record.full_name, guardian, ["school", "user"]):
            return
        self.changed_guardians.append(guardian)
        self.guardian_fields |= names
        section.add(Entry(CHANGED, str(guardian), "", changes, note, record.line))

    def _plan_links(self) -> None:
        section = self.plan.section("links", "Liens élève–responsable")
        existing = {
            (link.student_id, link.guardian_id): link
            for link in StudentGuardian.objects.filter(guardian__school=self.school).select_related(
                "student", "guardian"
            )
        }
        in_file: set[tuple[int, int]] = set()
        for record in self.people.links:
            guardian = self.guardians.get(record.personne_id)
            if guardian is None:  # in error above
                continue
            student = self.by_siecle.get(record.eleve_id)
            if student is None:
                self._issue(
                    record.line,
                    "ELEVE_ID",
                    record.eleve_id,
                    f"{guardian} est responsable d'un élève inconnu d'appui (ELEVE_ID "
                    f"{record.eleve_id}) : ce lien n'est pas importé. Importez d'abord les "
                    "élèves depuis SIECLE.",
                )
                continue
            wanted = {
                "relationship": record.relationship.value,
                "legal_rank": record.legal_rank,
                "financial": record.financial,
                "contact": record.contact,
            }
            label = f"{student.full_name} ← {guardian}"
            context = RELATIONSHIP_LABELS[record.relationship.value]
            link = existing.get((student.pk, guardian.pk)) if guardian.pk else None
            if link is None:
                self.new_links.append(StudentGuardian(student=student, guardian=guardian, **wanted))
                section.add(Entry(NEW, label, context, line=record.line))
                continue
            in_file.add((student.pk, guardian.pk))
            self._update_link(section, record, link, wanted, label, context)
        # Links of guardians SIECLE manages that the file no longer lists: kept, reported.
        managed = {g.pk for g in self.existing_guardians if g.siecle_id}
        managed |= {g.pk for g in self.guardians.values() if g.pk}
        for key, link in existing.items():
            if key in in_file or key[1] not in managed:
                continue
            section.add(
                Entry(
                    KEPT,
                    f"{link.student.full_name} ← {link.guardian}",
                    note="absent du fichier : conservé",
                )
            )

    def _update_link(
        self,
        section,
        record: SiecleGuardianLink,
        link: StudentGuardian,
        wanted: dict,
        label: str,
        context: str,
    ) -> None:
        changes = []
        for name, field_label in LINK_FIELDS:
            old, value = getattr(link, name), wanted[name]
            if old == value:
                continue
            if name == "relationship":
                changes.append(
                    Change(
                        field_label, RELATIONSHIP_LABELS.get(old, old), RELATIONSHIP_LABELS[value]
                    )
                )
            elif name == "legal_rank":
                changes.append(Change(field_label, _rank(old), _rank(value)))
            else:
                changes.append(Change(field_label, show(old), show(value)))
            setattr(link, name, value)
            self.link_fields.add(name)
        if not changes:
            section.unchanged()
            return
        self.changed_links.append(link)
        section.add(Entry(CHANGED, label, context, changes, line=record.line))

    def _plan_student_addresses(self) -> None:
        section = self.plan.section("addresses", "Adresses des élèves")
        for record in self.people.students:
            student = self.by_siecle.get(record.eleve_id)
            if student is None and record.ine:
                student = self.by_ine.get(record.ine)
            if student is None:
                self._issue(
                    record.line,
                    "ELEVE_ID",
                    record.eleve_id,
                    f"{record.full_name} n'est pas dans appui : son adresse n'est pas importée "
                    "(cet import ne crée pas d'élèves ; importez-les depuis SIECLE).",
                )
                continue
            wanted = _address_values(record.address)
            changes = []
            for name, label in ADDRESS_FIELDS:
                if name in wanted and getattr(student, name) != wanted[name]:
                    changes.append(Change(label, show(getattr(student, name)), show(wanted[name])))
                    setattr(student, name, wanted[name])
                    self.student_fields.add(name)
            if not changes:
                section.unchanged()
                continue
            self.changed_students.append(student)
            context = student.ine or student.siecle_id
            section.add(Entry(CHANGED, student.full_name, context, changes, line=record.line))

    # ------------------------------------------------------------------ writing
    def write(self, *, user=None) -> School:
        """Write the plan (the caller holds the transaction)."""
        Guardian.objects.bulk_create(self.new_guardians, batch_size=500)
        if self.changed_guardians:
            # New guardians are not logged themselves: their link rows just below are, in
            # each child's history (a guardian's children cost a query each to find).
            trail.record_updates(self.changed_guardians, sorted(self.guardian_fields))
            Guardian.objects.bulk_update(
                self.changed_guardians, sorted(self.guardian_fields), batch_size=500
            )
        for link in self.new_links:
            link.guardian_id = link.guardian.pk  # created just above
        StudentGuardian.objects.bulk_create(self.new_links, batch_size=500)
        trail.record_created(self.new_links)
        if self.changed_links:
            trail.record_updates(self.changed_links, sorted(self.link_fields))
            StudentGuardian.objects.bulk_update(
                self.changed_links, sorted(self.link_fields), batch_size=500
            )
        if self.changed_students:
            trail.record_updates(self.changed_students, sorted(self.student_fields))
            Student.objects.bulk_update(
                self.changed_students, sorted(self.student_fields), batch_size=500
            )
        return self.school

    def done_text(self) -> str:
        return (
            "Import enregistré. Les comptes des responsables se créent avec "
            "« manage.py create_guardian_accounts »."
        )
