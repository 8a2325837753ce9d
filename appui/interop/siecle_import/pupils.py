"""Pupils of a SIECLE file: matching (SIECLE id, then INE; one pupil claimed twice,
an INE used twice), new, changed and leaving pupils, and their groups.
"""

from __future__ import annotations

from collections import defaultdict

from appui.core.identifiers import ine_is_valid
from appui.core.io.errors import ImportIssue, Severity
from appui.core.io.mef import scheme_of
from appui.core.io.siecle import SiecleStudent
from appui.schools.models import Division, Student, StudentGroup
from appui.schools.selectors import not_yet_arrived

from ..plan import CHANGED, LEAVING, NEW, Change, Entry, show
from ..structure import mef_disagreement
from .base import SiecleBase
from .fields import FIELDS, WITHOUT_CLASS, _keeps


class SieclePupils(SiecleBase):
    """The pupils of the current year, matched by SIECLE id then INE, and their groups."""

    def _load_students(self) -> list[Student]:
        school_students = list(Student.objects.filter(school=self.school)) if self.school.pk else []
        self.db_students = school_students
        self.division_codes = (
            dict(Division.objects.filter(year__school=self.school).values_list("pk", "code"))
            if self.school.pk
            else {}
        )
        # The arrivals of an upcoming year are no pupils of the current one: never leaving it.
        self.not_arrived = (
            set(
                Student.objects.filter(school=self.school)
                .filter(not_yet_arrived())
                .values_list("pk", flat=True)
            )
            if self.school.pk
            else set()
        )
        self.present_before = sum(
            1 for s in school_students if s.exit_date is None and s.pk not in self.not_arrived
        )
        return school_students

    def _matched(
        self, school_students: list[Student]
    ) -> tuple[list[tuple[SiecleStudent, Student | None]], set[int]]:
        """Each line of the file with its student of appui (by SIECLE id, then INE — never
        by name), and the students claimed; two lines claiming one student are an error."""
        by_siecle = {s.siecle_id: s for s in school_students if s.siecle_id}
        by_ine = {s.ine: s for s in school_students if s.ine}
        claimed: dict[int, SiecleStudent] = {}
        # A student of appui whose SIECLE id is in the file is that line's, whatever its INE:
        # another line holding the same INE (an INE corrected or given up) is not them.
        file_ids = {record.eleve_id for record in self.export.students}
        matched: list[tuple[SiecleStudent, Student | None]] = []
        for record in self.export.students:
            target = by_siecle.get(record.eleve_id)
            if target is None and record.ine:
                target = by_ine.get(record.ine)
                if target is not None and target.siecle_id in file_ids:
                    target = None
            if target is not None and target.pk in claimed:
                other = claimed[target.pk]
                self._error(
                    record,
                    "ID_NATIONAL",
                    record.ine,
                    f"{record.full_name} et {other.full_name} (ligne {other.line}) désignent le "
                    f"même élève d'appui, {target.full_name} (l'un par son identifiant SIECLE, "
                    "l'autre par son INE) : corrigez l'INE dans SIECLE.",
                )
                continue
            if target is not None:
                claimed[target.pk] = record
            matched.append((record, target))
        return matched, set(claimed)

    def _plan_students(self, section) -> None:
        """The pupils of the current year: new, changed, leaving (absent from the file)."""
        school_students = self._load_students()
        matched, claimed = self._matched(school_students)
        self.in_file = [target for _record, target in matched if target is not None]
        for record, target in matched:
            if record.current:
                self._plan_current(section, record, target)
            elif record.left:
                self._plan_left(section, record, target)
            elif target is not None and target.exit_date is None:
                self._leave(
                    section,
                    target,
                    f"dans la pseudo-division « {record.pseudo_division} » sans date de sortie : "
                    f"marqué sorti le {show(self.leave_date)}",
                    record.line,
                )
            elif target is not None:
                section.unchanged()

        for student in school_students:
            if student.pk in claimed or student.exit_date is not None:
                continue
            if student.pk in self.not_arrived:
                continue
            if not (student.siecle_id or student.ine):
                self.plan.issues.append(
                    ImportIssue(
                        file=self.export.file_name,
                        line=None,
                        severity=Severity.WARNING,
                        message=(
                            f"{student.full_name} n'a dans appui ni identifiant SIECLE ni INE : "
                            "il ne peut pas être rapproché du fichier et reste tel quel."
                        ),
                    )
                )
                continue
            self._leave(
                section,
                student,
                f"absent du fichier : marqué sorti le {show(self.leave_date)}",
                None,
            )

    def _wanted(self, record: SiecleStudent, division: Division | None) -> dict[str, object]:
        ine = record.ine or ""
        if ine and not ine_is_valid(ine):
            self._warning(
                record,
                "ID_NATIONAL",
                ine,
                f"l'INE de {record.full_name} n'a pas la forme d'un INE (11 chiffres et "
                "lettres) : il n'est pas enregistré.",
            )
            ine = ""
        mef = (record.mef_code or "").strip().upper()
        scheme = scheme_of(
            mef,
            division=record.division,
            groups=record.groups,
            mef_label=self.nomenclature.mef_label(mef) if self.nomenclature else None,
        )
        return {
            "last_name": record.display_last_name,
            "first_name": record.first_name,
            "birth_date": record.birth_date,
            "sex": record.sex.value if record.sex else "",
            "ine": ine,
            "siecle_id": record.eleve_id,
            "elenoet": record.elenoet or "",
            "division": division,
            "mef": mef[:11],
            "scheme": scheme.value,
            "entry_date": record.entry_date,
            "exit_date": record.exit_date,
        }

    def _plan_current(self, section, record: SiecleStudent, target: Student | None) -> None:
        # A division without any MEF code is not created (warned once): its students are
        # stored without a class, as those SIECLE attaches to no division.
        division = self.divisions.get(record.division or "")
        if division is None:
            self.without_class.append(record)
        else:
            self._check_mef(record, division)
        wanted = self._wanted(record, division)
        context = division.code if division is not None else WITHOUT_CLASS
        if target is None:
            self._create(section, record, wanted, context, groups=record.groups)
        else:
            self._update(section, record, target, wanted, context, groups=record.groups)

    def _check_mef(self, record: SiecleStudent, division: Division) -> None:
        """A present pupil whose MEF code does not fit their class's level is imported in
        their class (the level follows the class), with a warning naming the line."""
        found = mef_disagreement(record.mef_code, division.level, self.levels.mappings)
        if found is None:
            return
        kind, what = found
        code = (record.mef_code or "").strip().upper()
        said = "n'est pas connu d'appui" if kind == "inconnu" else f"désigne le niveau « {what} »"
        self._warning(
            record,
            "CODE_MEF",
            code,
            f"le code MEF {code} de {record.full_name} {said}, mais sa classe "
            f"{division.code} est en « {division.level.name} » : l'élève est importé dans sa "
            "classe, à ce niveau. Vérifiez son code MEF ou sa classe dans SIECLE.",
        )

    def _plan_left(self, section, record: SiecleStudent, target: Student | None) -> None:
        division = self.divisions.get(record.division or "") if record.division else None
        wanted = self._wanted(record, division)
        context = (division.code if division else None) or record.pseudo_division or ""
        if target is None:
            self._create(
                section, record, wanted, context, note=f"sorti le {show(record.exit_date)}"
            )
        else:
            # A student who left keeps their groups: SIECLE no longer lists them.
            self._update(section, record, target, wanted, context)

    def _create(
        self,
        section,
        record: SiecleStudent,
        wanted: dict,
        context: str,
        *,
        note: str = "",
        groups: tuple[str, ...] = (),
    ) -> None:
        student = Student(school=self.school, **wanted)
        student.refresh_search_text()
        if not self._clean(record, student):
            return
        self.new_students.append(student)
        self._plan_memberships(student, wanted["division"], groups)
        section.add(Entry(NEW, student.full_name, context, note=note, line=record.line))

    def _update(
        self,
        section,
        record: SiecleStudent,
        student: Student,
        wanted: dict,
        context: str,
        *,
        groups: tuple[str, ...] | None = None,
    ) -> None:
        changes = []
        # The MEF code is kept since issue 15: filling it where appui had none is recorded
        # without showing every student of an older installation as changed.
        filled = {"mef"} if wanted["mef"] and not student.mef else set()
        for name, label in FIELDS:
            value = wanted[name]
            if name in filled or _keeps(record, student, name, value):
                continue
            if name == "division":
                old_pk = student.division_id
                if value is None:
                    if old_pk is None:
                        continue
                    old_code = self.division_codes.get(old_pk)
                    changes.append((name, Change(label, show(old_code), WITHOUT_CLASS)))
                    continue
                if value.pk is not None and value.pk == old_pk:
                    continue
                old_code = self.division_codes.get(old_pk) if old_pk is not None else None
                changes.append((name, Change(label, show(old_code), value.code)))
                continue
            old = getattr(student, name)
            if old == value:
                continue
            changes.append((name, Change(label, show(old), show(value))))
        names = {name for name, _change in changes} | filled
        was_present = student.exit_date is None
        for name in names:
            setattr(student, name, wanted[name])
        if names & {"last_name", "first_name"}:
            student.refresh_search_text()
            names.add("search_text")
        if names and not self._clean(record, student):
            return
        group_change = (
            self._plan_memberships(student, wanted["division"], groups)
            if groups is not None
            else None
        )
        listed = [change for _name, change in changes]
        if group_change is not None:
            listed.append(group_change)
        if not listed:
            section.unchanged()
            if filled:
                self.changed_fields |= names
                self.changed_students.append(student)
            return
        note = ""
        status = CHANGED
        if "exit_date" in names and wanted["exit_date"] and was_present:
            status = LEAVING
            note = f"sorti le {show(wanted['exit_date'])} d'après SIECLE"
        elif "exit_date" in names and not wanted["exit_date"]:
            note = "de retour dans l'établissement"
        section.add(Entry(status, student.full_name, context, listed, note, record.line))
        if names:
            self.changed_fields |= names
            self.changed_students.append(student)

    def _plan_memberships(
        self, student: Student, division: Division | None, codes: tuple[str, ...]
    ) -> Change | None:
        """Plan the student's groups as SIECLE lists them; the change, if any."""
        wanted = set(codes)
        current_ids = self.memberships.get(student.pk, set()) if student.pk else set()
        current = {self.group_codes[pk] for pk in current_ids if pk in self.group_codes}
        for code in sorted(wanted - current):
            group = self.groups.get(code)
            if group is None:
                group = StudentGroup(year=self.year, code=code[:30])
                self.groups[code] = group
                self.new_groups.append(group)
            self.group_students.append((group, student))
        for code in sorted(wanted):
            group = self.groups[code]
            if division is None:
                continue
            key = (id(group), id(division))
            if key in self.planned_links or (group.pk, division.pk) in self.existing_links:
                continue
            self.planned_links.add(key)
            self.group_divisions.append((group, division))
        for pk in current_ids:
            if self.group_codes.get(pk) not in wanted:
                self.dropped_memberships[pk].append(student.pk)
        if student.pk is None or wanted == current:
            return None
        return Change("Groupes", show(", ".join(sorted(current))), show(", ".join(sorted(wanted))))

    def _leave(self, section, student: Student, note: str, line: int | None) -> None:
        student.exit_date = self.leave_date
        self.changed_fields.add("exit_date")
        self.changed_students.append(student)
        division_id = student.division_id
        context = self.division_codes.get(division_id, "") if division_id is not None else ""
        section.add(
            Entry(
                LEAVING,
                student.full_name,
                context,
                [Change("Date de sortie", "—", show(self.leave_date))],
                note,
                line,
            )
        )

    def _load_groups(self) -> None:
        """This year's groups, who is in them and which divisions they draw from."""
        self.group_codes = {group.pk: code for code, group in self.groups.items()}
        self.memberships: dict[int, set[int]] = defaultdict(set)
        self.existing_links: set[tuple[int, int]] = set()
        self.planned_links: set[tuple[int, int]] = set()
        self.dropped_memberships: dict[int, list[int]] = defaultdict(list)
        if not self.year.pk:
            return
        students = StudentGroup.students.through.objects.filter(studentgroup__year=self.year)
        for student_id, group_id in students.values_list("student_id", "studentgroup_id"):
            self.memberships[student_id].add(group_id)
        divisions = StudentGroup.divisions.through.objects.filter(studentgroup__year=self.year)
        self.existing_links = set(divisions.values_list("studentgroup_id", "division_id"))

    def _check_unique_keys(self) -> None:
        """INE and SIECLE id stay unique in the school once the plan is written."""
        final: dict[int, Student] = {id(s): s for s in self.db_students}
        final.update({id(s): s for s in self.new_students})
        for key, label in (("ine", "INE"), ("siecle_id", "identifiant SIECLE")):
            seen: dict[str, Student] = {}
            for student in final.values():
                value = getattr(student, key)
                if not value:
                    continue
                other = seen.get(value)
                if other is not None:
                    self.plan.issues.append(
                        ImportIssue(
                            file=self.export.file_name,
                            line=None,
                            field=label,
                            value=value,
                            message=(
                                f"{student.full_name} et {other.full_name} auraient le même "
                                f"{label} : corrigez le fichier ou la fiche de l'élève."
                            ),
                        )
                    )
                seen[value] = student
