"""STS-web import: staff, subjects, divisions, groups and teaching services.

Input: the records :func:`appui.core.io.sts.parse_sts` read from ``sts_emp_<UAI>_<year>.xml``
(a file written by a timetabling product is refused by the parser). The school and its
current year must exist — SIECLE comes first — and match the file's UAI and year.

Plan, compared with the database:

- staff matched by their STS-web identifier (or, for a record of appui that has none, by
  name when exactly one matches — said in the preview); new staff get an account with an
  unusable password and a unique username ``prenom.nom``; teachers get a « teacher » role;
- function from ``FONCTION`` (ENS → teacher, DIR → direction, EDU → CPE…), grade, civility;
- subjects of the services, added to each teacher's subjects (never removed);
- divisions and groups missing from appui (level from their MEF codes);
- one ``Teaching`` per division service and teacher, one ``GroupTeaching`` per group service
  and teacher; the professeur principal flag from ``PROFS_PRINC``.

Staff absent from the file are marked as left (today); services absent from the file are
kept and listed. Nothing is deleted; re-importing the same file plans nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from appui.core.io.errors import ImportIssue, Severity
from appui.core.io.sts import StsExport, StsIndividual
from appui.core.io.values import fold
from appui.schools.models import (
    Division,
    GroupTeaching,
    Level,
    Membership,
    School,
    Staff,
    StudentGroup,
    Subject,
    Teaching,
)
from appui.schools.selectors import current_year

from .plan import CHANGED, KEPT, LEAVING, NEW, Change, Entry, Importer, ImportRefused, Plan, show
from .structure import LevelResolver, Usernames, school_mappings

Function = Staff.Function

#: STS-web ``FONCTION`` codes → appui functions (anything else is « other »).
FUNCTIONS = {
    "ENS": Function.TEACHER,
    "DOC": Function.TEACHER,  # professeur documentaliste
    "DIR": Function.DIRECTION,
    "EDU": Function.CPE,
    "ORI": Function.PSYEN,
    "PSY": Function.PSYEN,
}
FUNCTION_LABELS: dict[str, str] = {
    Function.TEACHER: "enseignant",
    Function.CPE: "CPE",
    Function.PSYEN: "Psy-EN",
    Function.DIRECTION: "direction",
    Function.OTHER: "autre",
}
STAFF_FIELDS = (
    ("civility", "Civilité"),
    ("last_name", "Nom"),
    ("first_name", "Prénom"),
    ("function", "Fonction"),
    ("grade", "Grade"),
    ("sts_id", "Identifiant STS"),
    ("exit_date", "Date de sortie"),
)
STAFF_CLEAN_EXCLUDE = ["school", "user"]

#: A record as a key: its pk once saved, else ("new", its id()) while only planned.
Ref = int | tuple[str, int]


def staff_key(last_name: str, first_name: str) -> str:
    return f"{fold(last_name)}|{fold(first_name)}"


def show_staff_value(name: str, value: object) -> str:
    if name == "function":
        return FUNCTION_LABELS.get(str(value), show(value))
    return show(value)


class StaffPlanner:
    """Matches staff records with the school's staff and plans accounts, roles and subjects.

    Shared by the STS-web import and the spreadsheet import of staff.
    """

    def __init__(self, plan: Plan, school: School, file_name: str, today: date) -> None:
        self.plan = plan
        self.school = school
        self.file_name = file_name
        self.today = today
        self.section = plan.section("staff", "Personnels")
        self.staff = list(Staff.objects.filter(school=school).select_related("user"))
        self.by_sts = {s.sts_id: s for s in self.staff if s.sts_id}
        self.by_name: dict[str, list[Staff]] = defaultdict(list)
        for person in self.staff:
            self.by_name[staff_key(person.last_name, person.first_name)].append(person)
        self.by_email = {s.user.email.lower(): s for s in self.staff if s.user_id and s.user.email}
        self.claimed: dict[int, int | None] = {}
        User = get_user_model()
        self.usernames = Usernames(User.objects.values_list("username", flat=True))
        self.new_users: list = []
        self.new_staff: list[Staff] = []
        self.changed_staff: list[Staff] = []
        self.changed_fields: set[str] = set()
        self.renamed_users: list = []
        self.subject_links: list[tuple[Staff, Subject]] = []
        self.current_subjects: dict[int, set[int]] = defaultdict(set)
        for staff_id, subject_id in Staff.subjects.through.objects.filter(
            staff__school=school
        ).values_list("staff_id", "subject_id"):
            self.current_subjects[staff_id].add(subject_id)
        self.teacher_users = set(
            Membership.objects.filter(school=school, role=Membership.Role.TEACHER).values_list(
                "user_id", flat=True
            )
        )
        self.new_memberships: list[Membership] = []

    def match(
        self, *, sts_id: str, last_name: str, first_name: str, email: str = ""
    ) -> tuple[Staff | None, str]:
        """The staff record a file record designates, and how it was found."""
        if sts_id and sts_id in self.by_sts:
            return self.by_sts[sts_id], ""
        if email and email.lower() in self.by_email:
            found = self.by_email[email.lower()]
            if not (sts_id and found.sts_id and found.sts_id != sts_id):
                return found, f"rapproché par son courriel {email}"
        candidates = [
            person
            for person in self.by_name.get(staff_key(last_name, first_name), [])
            if not person.sts_id and person.pk not in self.claimed
        ]
        if len(candidates) == 1:
            return candidates[
                0
            ], "rapproché par son nom (la fiche d'appui n'avait pas d'identifiant STS)"
        return None, ""

    def plan_person(
        self,
        *,
        wanted: dict,
        subjects: list[Subject],
        line: int | None,
        email: str = "",
    ) -> Staff | None:
        """Plan one staff member of the file; ``wanted`` holds the fields of STAFF_FIELDS."""
        target, how = self.match(
            sts_id=wanted.get("sts_id", ""),
            last_name=wanted["last_name"],
            first_name=wanted["first_name"],
            email=email,
        )
        label = f"{wanted['last_name']} {wanted['first_name']}"
        if target is not None and target.pk in self.claimed:
            self._issue(
                line,
                f"{label} désigne la même fiche que la ligne {self.claimed[target.pk]} "
                f"({target}) : une personne ne peut figurer qu'une fois.",
            )
            return None
        if target is None:
            return self._plan_new(wanted=wanted, subjects=subjects, line=line, email=email)
        self.claimed[target.pk] = line
        return self._plan_update(target, wanted=wanted, subjects=subjects, line=line, how=how)

    def _plan_new(
        self, *, wanted: dict, subjects: list[Subject], line: int | None, email: str
    ) -> Staff | None:
        """A person appui does not know: a new account (no password) and staff record."""
        label = f"{wanted['last_name']} {wanted['first_name']}"
        user = get_user_model()(
            username=self.usernames.new(wanted["first_name"], wanted["last_name"]),
            first_name=wanted["first_name"][:150],
            last_name=wanted["last_name"][:150],
            email=email,
        )
        user.set_unusable_password()
        person = Staff(school=self.school, user=user, **wanted)
        context = FUNCTION_LABELS.get(person.function, "")
        if not self._clean(person, line, label):
            return None
        self.new_users.append(user)
        self.new_staff.append(person)
        for subject in subjects:
            self.subject_links.append((person, subject))
        if person.function == Function.TEACHER:
            self.new_memberships.append(
                Membership(user=user, school=self.school, role=Membership.Role.TEACHER)
            )
        note = f"compte « {user.username} » créé, sans mot de passe"
        self.section.add(Entry(NEW, str(person), context, note=note, line=line))
        return person

    def _field_changes(self, target: Staff, wanted: dict) -> list[Change]:
        """Set the file's values on ``target``; the fields that changed."""
        changes = []
        for name, field_label in STAFF_FIELDS:
            if name not in wanted:
                continue
            value = wanted[name]
            if name in {"sts_id", "civility", "grade"} and not value:
                continue  # an empty cell keeps what appui holds
            old = getattr(target, name)
            if old != value:
                changes.append(
                    Change(field_label, show_staff_value(name, old), show_staff_value(name, value))
                )
                setattr(target, name, value)
                self.changed_fields.add(name)
        return changes

    def _link_changes(self, target: Staff, subjects: list[Subject]) -> list[Change]:
        """Subjects added to ``target`` and the teacher role it gains, if any."""
        changes = []
        added = [
            s for s in subjects if s.pk is None or s.pk not in self.current_subjects[target.pk]
        ]
        for subject in added:
            self.subject_links.append((target, subject))
        if added:
            changes.append(
                Change("Matières ajoutées", "—", ", ".join(sorted(s.label for s in added)))
            )
        if target.function == Function.TEACHER and target.user_id not in self.teacher_users:
            self.teacher_users.add(target.user_id)
            self.new_memberships.append(
                Membership(user_id=target.user_id, school=self.school, role=Membership.Role.TEACHER)
            )
            changes.append(Change("Rôle", "—", "enseignant"))
        return changes

    def _plan_update(
        self, target: Staff, *, wanted: dict, subjects: list[Subject], line: int | None, how: str
    ) -> Staff | None:
        """A person appui knows: what changes in their record, subjects and roles."""
        label = f"{wanted['last_name']} {wanted['first_name']}"
        context = FUNCTION_LABELS.get(wanted.get("function", target.function), "")
        changes = self._field_changes(target, wanted) + self._link_changes(target, subjects)
        if any(c.field in {"Nom", "Prénom"} for c in changes):
            target.user.first_name = target.first_name[:150]
            target.user.last_name = target.last_name[:150]
            self.renamed_users.append(target.user)
        if not changes:
            self.section.unchanged()
            return target
        if not self._clean(target, line, label):
            return None
        if any(c.field != "Matières ajoutées" and c.field != "Rôle" for c in changes):
            self.changed_staff.append(target)
        back = any(c.field == "Date de sortie" for c in changes)
        note = "; ".join(part for part in (how, "de retour" if back else "") if part)
        self.section.add(Entry(CHANGED, str(target), context, changes, note, line))
        return target

    def plan_leaving(self, *, only_sts: bool = True) -> None:
        """Staff absent from the file (by default only those with an STS id, the others
        cannot be in an STS-web file): marked as left today."""
        for person in self.staff:
            if person.pk in self.claimed or person.exit_date is not None:
                continue
            if only_sts and not person.sts_id:
                continue
            person.exit_date = self.today
            self.changed_fields.add("exit_date")
            self.changed_staff.append(person)
            self.section.add(
                Entry(
                    LEAVING,
                    str(person),
                    FUNCTION_LABELS.get(person.function, ""),
                    [Change("Date de sortie", "—", show(self.today))],
                    "absent du fichier : marqué sorti (son compte et son historique restent)",
                )
            )

    def _clean(self, person: Staff, line: int | None, label: str) -> bool:
        try:
            person.clean_fields(exclude=STAFF_CLEAN_EXCLUDE)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self._issue(line, f"{label} : {name} — {' '.join(messages)}")
            return False
        return True

    def _issue(self, line: int | None, message: str, severity=Severity.ERROR) -> None:
        self.plan.issues.append(
            ImportIssue(file=self.file_name, line=line, message=message, severity=severity)
        )

    def write(self) -> None:
        User = get_user_model()
        User.objects.bulk_create(self.new_users, batch_size=500)
        if self.renamed_users:
            User.objects.bulk_update(self.renamed_users, ["first_name", "last_name"])
        Staff.objects.bulk_create(self.new_staff, batch_size=500)
        if self.changed_staff:
            Staff.objects.bulk_update(self.changed_staff, sorted(self.changed_fields))
        through = Staff.subjects.through
        through.objects.bulk_create(
            [
                through(staff_id=staff.pk, subject_id=subject.pk)
                for staff, subject in self.subject_links
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        Membership.objects.bulk_create(self.new_memberships, batch_size=500)


class StsImport(Importer):
    """The plan for one STS-web export, and how to write it."""

    school: School

    def __init__(self, export: StsExport, *, school: School, today: date | None = None) -> None:
        self.export = export
        self.school = school
        self.today = today or timezone.localdate()
        self.plan = Plan("sts", export.file_name)
        self.plan.issues.extend(export.issues)
        self._resolve_year()
        self.staff = StaffPlanner(self.plan, school, export.file_name, self.today)
        self.new_subjects: list[Subject] = []
        self.new_divisions: list[Division] = []
        self.changed_divisions: list[Division] = []
        self.new_groups: list[StudentGroup] = []
        self.changed_groups: list[StudentGroup] = []
        self.group_links: list[tuple[StudentGroup, Division]] = []
        self.new_teachings: list[Teaching] = []
        self.flagged: list[Teaching] = []
        self.new_group_teachings: list[GroupTeaching] = []
        self._analyse()

    def _resolve_year(self) -> None:
        params = self.export.parameters
        if params.uai != self.school.uai:
            raise ImportRefused(
                f"Ce fichier est l'export STS-web de l'établissement {params.uai}, pas celui de "
                f"{self.school.name} ({self.school.uai}). Rien n'a été importé."
            )
        year = current_year(self.school)
        if year is None:
            raise ImportRefused(
                f"{self.school.name} n'a pas encore d'année scolaire dans appui : importez "
                "d'abord les élèves depuis SIECLE. Rien n'a été importé."
            )
        if year.start_year != params.school_year:
            raise ImportRefused(
                f"Ce fichier concerne l'année scolaire {params.school_year_label}, alors que "
                f"l'année en cours de {self.school.name} dans appui est {year.label}. "
                f"Exportez depuis STS-web les services de l'année {year.label}. Rien n'a été "
                "importé."
            )
        self.year = year

    # ------------------------------------------------------------------ analysis
    def _analyse(self) -> None:
        export = self.export
        self.plan.facts += [
            ("Établissement", f"{self.school.name} ({self.school.uai})"),
            ("Année scolaire", self.year.label),
            (
                "Dans le fichier",
                f"{len(export.individuals)} personnels, {len(export.divisions)} divisions, "
                f"{len(export.groups)} groupes",
            ),
        ]
        self.subjects = {s.code: s for s in Subject.objects.filter(school=self.school)}
        taught: dict[str, list[str]] = defaultdict(list)
        for _kind, _code, service in export.teaching_assignments():
            subject = self._subject(service.subject_code)
            for teacher in service.teachers:
                if subject.code not in taught[teacher.id]:
                    taught[teacher.id].append(subject.code)
        self.people: dict[str, Staff] = {}
        for person in export.individuals:
            staff = self.staff.plan_person(
                wanted=self._wanted(person),
                subjects=[self.subjects[code] for code in taught.get(person.id, [])],
                line=person.line,
            )
            if staff is not None:
                self.people[person.id] = staff
        self.staff.plan_leaving()

        subjects = self.plan.section("subjects", "Matières")
        for subject in self.new_subjects:
            subjects.add(Entry(NEW, subject.label, subject.code))
        subjects.unchanged(len(self.subjects) - len(self.new_subjects))
        self._plan_divisions()
        self._plan_groups()
        self._plan_teachings()

    def _wanted(self, person: StsIndividual) -> dict:
        return {
            "sts_id": person.id,
            "civility": person.civility.label if person.civility else "",
            "last_name": person.last_name,
            "first_name": person.first_name,
            "function": FUNCTIONS.get(person.function or "", Function.OTHER),
            "grade": person.grade or "",
            "exit_date": None,
        }

    def _subject(self, code: str) -> Subject:
        subject = self.subjects.get(code)
        if subject is None:
            record = self.export.subjects.get(code)
            subject = Subject(
                school=self.school, code=code[:20], label=(record.label if record else code)[:100]
            )
            self.subjects[code] = subject
            self.new_subjects.append(subject)
        return subject

    def _plan_divisions(self) -> None:
        section = self.plan.section("divisions", "Divisions")
        self.divisions = {
            d.code: d for d in Division.objects.filter(year=self.year).select_related("level")
        }
        self.levels = LevelResolver(
            self.year,
            Level.objects.filter(year=self.year),
            mappings=school_mappings(self.school),
        )
        for record in self.export.divisions:
            division = self.divisions.get(record.code)
            if division is None:
                level = next(
                    (lvl for code in record.mef_codes if (lvl := self.levels.for_mef(code))), None
                )
                if level is None:
                    self._warning(
                        record.line,
                        f"la division « {record.code} » n'est pas dans appui et ses codes MEF "
                        f"({', '.join(record.mef_codes) or 'aucun'}) ne désignent aucun niveau "
                        "connu : elle et ses services ne sont pas importés.",
                    )
                    continue
                division = Division(
                    year=self.year,
                    level=level,
                    code=record.code[:30],
                    label=(record.label or "")[:200],
                )
                self.divisions[record.code] = division
                self.new_divisions.append(division)
                section.add(Entry(NEW, division.code, level.name, line=record.line))
            elif record.label and not division.label:
                division.label = record.label[:200]
                self.changed_divisions.append(division)
                section.add(
                    Entry(
                        CHANGED,
                        division.code,
                        division.level.name,
                        [Change("Libellé", "—", division.label)],
                        line=record.line,
                    )
                )
            else:
                section.unchanged()
        if self.levels.new:
            levels = self.plan.section("levels", "Niveaux")
            for level in self.levels.new:
                levels.add(Entry(NEW, level.name, level.mef_mask))

    def _plan_groups(self) -> None:
        section = self.plan.section("groups", "Groupes")
        self.groups = {g.code: g for g in StudentGroup.objects.filter(year=self.year)}
        through = StudentGroup.divisions.through
        links = set(
            through.objects.filter(studentgroup__year=self.year).values_list(
                "studentgroup_id", "division_id"
            )
        )
        for record in self.export.groups:
            group = self.groups.get(record.code)
            changes = []
            if group is None:
                group = StudentGroup(
                    year=self.year, code=record.code[:30], label=(record.label or "")[:200]
                )
                self.groups[record.code] = group
                self.new_groups.append(group)
            elif record.label and not group.label:
                group.label = record.label[:200]
                self.changed_groups.append(group)
                changes.append(Change("Libellé", "—", group.label))
            added = []
            for code in record.division_codes:
                division = self.divisions.get(code)
                if division is None or (group.pk, division.pk) in links:
                    continue
                self.group_links.append((group, division))
                added.append(code)
            if group.pk is None:
                section.add(
                    Entry(NEW, group.code, ", ".join(record.division_codes), line=record.line)
                )
                continue
            if added:
                changes.append(Change("Divisions ajoutées", "—", ", ".join(added)))
            if changes:
                section.add(Entry(CHANGED, group.code, group.label, changes, line=record.line))
            else:
                section.unchanged()

    def _plan_teachings(self) -> None:
        section = self.plan.section("teachings", "Services d'enseignement")
        existing: dict[tuple[Ref, Ref, Ref | None], Teaching] = {
            (t.staff_id, t.division_id, t.subject_id): t
            for t in Teaching.objects.filter(division__year=self.year).select_related(
                "staff", "division", "subject"
            )
        }
        named: dict[tuple[Ref, Ref, Ref], Teaching] = {}
        for record in self.export.divisions:
            division = self.divisions.get(record.code)
            if division is None:
                continue
            for service in record.services:
                subject = self.subjects[service.subject_code]
                for teacher in service.teachers:
                    staff = self.people.get(teacher.id)
                    if staff is None:
                        continue  # the parser warned: a teacher absent from the file
                    key = (_ref(staff), _ref(division), _ref(subject))
                    if key in named:
                        continue
                    teaching = existing.get(key)
                    if teaching is None:
                        teaching = Teaching(staff=staff, division=division, subject=subject)
                        self.new_teachings.append(teaching)
                    named[key] = teaching
        self._plan_main_teachers(existing)

        flagged = {id(t) for t in self.flagged}
        for teaching in self.new_teachings:
            note = "professeur principal" if teaching.is_main_teacher else ""
            section.add(Entry(NEW, _teaching_label(teaching), note=note))
        for teaching in self.flagged:
            section.add(
                Entry(
                    CHANGED,
                    _teaching_label(teaching),
                    changes=[
                        Change(
                            "Professeur principal",
                            show(not teaching.is_main_teacher),
                            show(teaching.is_main_teacher),
                        )
                    ],
                )
            )
        section.unchanged(
            sum(1 for t in named.values() if t.pk is not None and id(t) not in flagged)
            + self.main_teacher_duties
        )
        for stored, teaching in sorted(existing.items(), key=lambda item: _teaching_label(item[1])):
            if stored in named or id(teaching) in flagged or teaching.subject_id is None:
                continue  # named by the file, already listed, or a professeur principal duty
            section.add(Entry(KEPT, _teaching_label(teaching), note="absent du fichier : conservé"))
        self._plan_group_teachings(section)

    def _plan_group_teachings(self, section) -> None:
        existing = {
            (t.staff_id, t.group_id, t.subject_id): t
            for t in GroupTeaching.objects.filter(group__year=self.year).select_related(
                "staff", "group", "subject"
            )
        }
        named: set[tuple] = set()
        for record in self.export.groups:
            group = self.groups.get(record.code)
            if group is None:
                continue
            for service in record.services:
                subject = self.subjects[service.subject_code]
                for teacher in service.teachers:
                    staff = self.people.get(teacher.id)
                    if staff is None:
                        continue
                    key = (_ref(staff), _ref(group), _ref(subject))
                    if key in named:
                        continue
                    named.add(key)
                    if key in existing:
                        section.unchanged()
                        continue
                    teaching = GroupTeaching(staff=staff, group=group, subject=subject)
                    self.new_group_teachings.append(teaching)
                    section.add(Entry(NEW, _group_teaching_label(teaching)))
        for stored, teaching in sorted(
            existing.items(), key=lambda item: _group_teaching_label(item[1])
        ):
            if stored not in named:
                section.add(
                    Entry(
                        KEPT, _group_teaching_label(teaching), note="absent du fichier : conservé"
                    )
                )

    def _plan_main_teachers(self, existing: dict) -> None:
        """The professeur principal flag from ``PROFS_PRINC``, on one teaching of each pair."""
        pairs: dict[tuple, tuple[Staff, Division]] = {}
        for person in self.export.individuals:
            staff = self.people.get(person.id)
            if staff is None:
                continue
            for duty in person.main_teacher_of:
                division = self.divisions.get(duty.division_code)
                if division is not None:
                    pairs.setdefault((_ref(staff), _ref(division)), (staff, division))
        by_pair: dict[tuple, list[Teaching]] = defaultdict(list)
        for teaching in existing.values():
            by_pair[(teaching.staff_id, teaching.division_id)].append(teaching)
        for teaching in self.new_teachings:
            by_pair[(_ref(teaching.staff), _ref(teaching.division))].append(teaching)
        self.main_teacher_duties = 0  # professeur principal rows without a service, kept as is
        for pair, (staff, division) in pairs.items():
            teachings = by_pair.get(pair, [])
            if any(t.is_main_teacher for t in teachings):
                self.main_teacher_duties += sum(
                    1 for t in teachings if t.pk and t.subject_id is None and t.is_main_teacher
                )
                continue
            if not teachings:
                # A professeur principal who has no service in the division.
                self.new_teachings.append(
                    Teaching(staff=staff, division=division, subject=None, is_main_teacher=True)
                )
                continue
            first = min(teachings, key=lambda t: (t.pk is None, t.pk or 0))
            first.is_main_teacher = True
            if first.pk is not None:
                self.flagged.append(first)
        if not pairs:
            return  # the file names no professeur principal: leave the flags as they are
        listed = {
            division.pk
            for record in self.export.divisions
            if (division := self.divisions.get(record.code)) is not None and division.pk
        }
        for teaching in existing.values():
            pair = (teaching.staff_id, teaching.division_id)
            if teaching.is_main_teacher and teaching.division_id in listed and pair not in pairs:
                teaching.is_main_teacher = False
                self.flagged.append(teaching)

    def _warning(self, line: int | None, message: str) -> None:
        self.plan.issues.append(
            ImportIssue(
                file=self.export.file_name, line=line, message=message, severity=Severity.WARNING
            )
        )

    # ------------------------------------------------------------------ writing
    def write(self, *, user=None) -> School:
        """Write the plan (the caller holds the transaction)."""
        Subject.objects.bulk_create(self.new_subjects)
        self.staff.write()
        Level.objects.bulk_create(self.levels.new)
        Division.objects.bulk_create(self.new_divisions)
        if self.changed_divisions:
            Division.objects.bulk_update(self.changed_divisions, ["label"])
        StudentGroup.objects.bulk_create(self.new_groups)
        if self.changed_groups:
            StudentGroup.objects.bulk_update(self.changed_groups, ["label"])
        through = StudentGroup.divisions.through
        through.objects.bulk_create(
            [through(studentgroup_id=g.pk, division_id=d.pk) for g, d in self.group_links],
            ignore_conflicts=True,
        )
        Teaching.objects.bulk_create(self.new_teachings, batch_size=500)
        if self.flagged:
            Teaching.objects.bulk_update(self.flagged, ["is_main_teacher"])
        GroupTeaching.objects.bulk_create(self.new_group_teachings, batch_size=500)
        return self.school


def _ref(obj: Model) -> Ref:
    """A key for a record, saved or only planned."""
    return obj.pk if obj.pk is not None else ("new", id(obj))


def _teaching_label(teaching: Teaching) -> str:
    subject = teaching.subject.label if teaching.subject else "—"
    return f"{teaching.division.code} — {subject} — {teaching.staff}"


def _group_teaching_label(teaching: GroupTeaching) -> str:
    subject = teaching.subject.label if teaching.subject else "—"
    return f"groupe {teaching.group.code} — {subject} — {teaching.staff}"
