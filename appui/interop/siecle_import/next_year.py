"""Opening a school year: the first one, or the next one beside the current year."""

from __future__ import annotations

from collections import Counter

from appui.core import calendar
from appui.core.io.errors import ImportIssue, Severity
from appui.core.io.siecle import SiecleStudent
from appui.schools.models import Division, Enrolment, Level, Period, SchoolYear, Student

from ..plan import CHANGED, LEAVING, NEW, Change, Entry, ImportRefused, show
from ..structure import best_level
from .fields import FIELD_NAMES, FIELDS, IDENTITY, WITHOUT_CLASS, _keeps, fallback_year_bounds
from .pupils import SieclePupils


class SiecleNextYear(SieclePupils):
    """A new school year: the first one of a school, or the next one a file opens beside
    the current year (its levels, pupils continuing, repeating, arriving and leaving)."""

    def _new_year(self, *, current: bool = True) -> None:
        start = self.export.parameters.school_year
        zone = self.school.holiday_zone
        try:
            first, last = calendar.year_bounds(zone, start)
            spans = calendar.periods_between_holidays(zone, start)
        except Exception:  # noqa: BLE001 (the calendar package raises its own error for unknown years)
            first, last = fallback_year_bounds(start)
            spans = []
            self.plan.issues.append(
                ImportIssue(
                    file=self.export.file_name,
                    line=None,
                    field="ANNEE_SCOLAIRE",
                    value=str(start),
                    severity=Severity.WARNING,
                    message=(
                        f"le calendrier officiel de l'année {start}-{start + 1} n'est pas "
                        f"connu : l'année ira du {show(first)} au {show(last)} et ses "
                        "périodes seront à créer."
                    ),
                )
            )
        self.year = SchoolYear(
            school=self.school,
            start_year=start,
            start_date=first,
            end_date=last,
            is_current=current,
        )
        self.creates_year = True
        self.new_periods = [
            Period(
                year=self.year,
                number=number,
                name=span.name,
                start_date=span.start,
                end_date=span.end,
            )
            for number, span in enumerate(spans, 1)
        ]

    def _open_next(self, current: SchoolYear) -> None:
        """The file is of a later year than the current one: it opens that year (or updates
        it while it is « à venir »); the current year stays as it is."""
        params = self.export.parameters
        later = list(self.school.years.filter(start_year__gt=current.start_year))
        other = [y for y in later if y.start_year != params.school_year]
        if other:
            raise ImportRefused(
                f"Ce fichier concerne l'année scolaire {params.school_year_label}, alors que "
                f"l'année {other[0].label} est déjà ouverte, à venir, après l'année en cours "
                f"({current.label}) : passez d'abord à l'année {other[0].label} (page "
                "Paramètres), ou importez l'export de cette année-là. Rien n'a été importé."
            )
        self.previous = current
        if later:
            self.year = later[0]
        else:
            self._new_year(current=False)

    def _carry_level_settings(self) -> None:
        """New levels of the next year take the settings the school gave the same level
        (track, year in the cycle, MEF mask) of the year before."""
        assert self.previous is not None
        before = {
            (level.track, level.year_in_cycle, level.mef_mask): level
            for level in self.previous.levels.all()
        }
        for level in self.levels.new:
            old = before.get((level.track, level.year_in_cycle, level.mef_mask))
            if old is None:
                continue
            level.ap_hours = old.ap_hours
            level.has_ap = old.has_ap
            level.separate_schemes = old.separate_schemes
            # The split between the three strands and the terminale parcours rule too.
            level.consolidation_hours = old.consolidation_hours
            level.personalised_hours = old.personalised_hours
            level.orientation_hours = old.orientation_hours
            level.group_by_parcours = old.group_by_parcours

    def _plan_next_students(self, section) -> None:
        """The pupils of the next year: continuing, repeating, arriving; those of the
        current year absent from the file will have left. Nothing of the current year is
        written: identities go to the pupil, the year to an ``Enrolment`` of the new year."""
        assert self.previous is not None
        school_students = self._load_students()
        matched, _claimed = self._matched(school_students)
        self.previous_enrolments = {
            e.student_id: e
            for e in Enrolment.objects.filter(year=self.previous).select_related("division__level")
        }
        self.next_enrolments = (
            {e.student_id: e for e in Enrolment.objects.filter(year=self.year)}
            if self.year.pk
            else {}
        )
        self.previous_levels = list(self.previous.levels.all())
        self.next_counts: Counter = Counter()
        planned: set[int] = set()
        for record, target in matched:
            in_year = record.current or (
                record.left and record.exit_date and record.exit_date >= self.year.start_date
            )
            if not in_year:
                continue
            self._plan_next(section, record, target)
            if target is not None:
                planned.add(target.pk)
        by_pk = {s.pk: s for s in school_students}
        # Enrolled in the new year by an earlier import, and no longer in its file.
        for student_id, enrolment in self.next_enrolments.items():
            if student_id in planned or enrolment.exit_date is not None:
                continue
            student = by_pk[student_id]
            enrolment.exit_date = max(self.leave_date, self.year.start_date)
            self.changed_enrolments.append(enrolment)
            section.add(
                Entry(
                    LEAVING,
                    student.full_name,
                    self.division_codes.get(enrolment.division_id or 0, ""),
                    [Change("Date de sortie", "—", show(enrolment.exit_date))],
                    f"absent du fichier de {self.year.label}",
                )
            )
        leavers = self.plan.section(
            "leavers", f"Élèves de {self.previous.label} absents du fichier"
        )
        for student_id, enrolment in self.previous_enrolments.items():
            if student_id in planned or enrolment.exit_date is not None:
                continue
            student = by_pk[student_id]
            if student.exit_date is not None:
                continue
            leavers.add(
                Entry(
                    LEAVING,
                    student.full_name,
                    self.division_codes.get(enrolment.division_id or 0, ""),
                    note=(
                        f"quittera l'établissement quand {self.year.label} deviendra l'année en "
                        f"cours ; son année {self.previous.label} reste telle quelle"
                    ),
                )
            )

    def _level_of(self, enrolment: Enrolment | None, levels: list[Level]) -> Level | None:
        if enrolment is None:
            return None
        if enrolment.division is not None:
            return enrolment.division.level
        return best_level(levels, enrolment.mef) if enrolment.mef else None

    def _is_repeating(self, target: Student, division: Division | None, mef: str) -> bool:
        """Same track and year in the cycle as the enrolment of the year before."""
        before = self._level_of(self.previous_enrolments.get(target.pk), self.previous_levels)
        now = division.level if division is not None else (best_level(self.levels.levels, mef))
        if before is None or now is None or before.track == Level.Track.OTHER:
            return False
        return (before.track, before.year_in_cycle) == (now.track, now.year_in_cycle)

    def _plan_next(self, section, record: SiecleStudent, target: Student | None) -> None:
        division = self.divisions.get(record.division or "")
        if record.current and division is None:
            self.without_class.append(record)
        wanted = self._wanted(record, division)
        context = division.code if division is not None else WITHOUT_CLASS
        year_values = {
            "division": division,
            "mef": wanted["mef"],
            "scheme": wanted["scheme"],
            "entry_date": wanted["entry_date"],
            "exit_date": wanted["exit_date"],
        }
        groups = record.groups if record.current else ()
        if target is None:
            # Until the new year is current, the pupil has not arrived (as
            # ``enrolments_sync`` mirrors it): no division, no exit date, their entry date.
            student = Student(
                school=self.school,
                **{name: wanted[name] for name in IDENTITY},
                entry_date=record.entry_date or self.year.start_date,
            )
            student.refresh_search_text()
            if not self._clean(record, student):
                return
            self.new_students.append(student)
            self._plan_memberships(student, division, groups)
            self.new_enrolments.append(Enrolment(student=student, year=self.year, **year_values))
            self.next_counts["arriving"] += 1
            note = "nouvel élève" + (f", sorti le {show(record.exit_date)}" if record.left else "")
            section.add(Entry(NEW, student.full_name, context, note=note, line=record.line))
            return
        changes: list[Change] = []
        names = set()
        for name, label in FIELDS:
            value = wanted[name]
            if name not in IDENTITY or _keeps(record, target, name, value):
                continue
            if getattr(target, name) != value:
                changes.append(Change(label, show(getattr(target, name)), show(value)))
                names.add(name)
        for name in names:
            setattr(target, name, wanted[name])
        if names & {"last_name", "first_name"}:
            target.refresh_search_text()
            names.add("search_text")
        if names and not self._clean(record, target):
            return
        if names:
            self.changed_fields |= names
            self.changed_students.append(target)
        repeating = self._is_repeating(target, division, str(wanted["mef"]))
        previous = self.previous_enrolments.get(target.pk)
        enrolment = self.next_enrolments.get(target.pk)
        note = ""
        if enrolment is None:
            old_division = previous.division_id if previous is not None else None
            old_code = self.division_codes.get(old_division) if old_division else None
            changes.append(Change("Division", show(old_code), context))
            enrolment = Enrolment(student=target, year=self.year, **year_values)
            enrolment.repeating = repeating
            self.new_enrolments.append(enrolment)
            if previous is None or previous.exit_date is not None:
                note = "de retour dans l'établissement"
        else:
            changed = self._enrolment_changes(record, enrolment, year_values, repeating)
            changes += changed
            if changed:
                self.changed_enrolments.append(enrolment)
        if repeating:
            note = "redoublant"
            self.next_counts["repeating"] += 1
        self.next_counts["continuing"] += 1
        group_change = self._plan_memberships(target, division, groups)
        if group_change is not None:
            changes.append(group_change)
        if not changes:
            section.unchanged()
            return
        section.add(Entry(CHANGED, target.full_name, context, changes, note, record.line))

    def _enrolment_changes(
        self, record: SiecleStudent, enrolment: Enrolment, values: dict, repeating: bool
    ) -> list[Change]:
        """Re-importing the next year's file: its enrolment follows the file."""
        changes = []
        for name, value in values.items():
            if name in ("mef", "entry_date") and value in (None, ""):
                continue
            if name == "division":
                if (value.pk if value is not None else None) == enrolment.division_id and (
                    value is None or value.pk is not None
                ):
                    continue
                old = self.division_codes.get(enrolment.division_id or 0)
                changes.append(
                    Change("Division", show(old), value.code if value else WITHOUT_CLASS)
                )
                enrolment.division = value
                continue
            if getattr(enrolment, name) != value:
                changes.append(
                    Change(FIELD_NAMES[name], show(getattr(enrolment, name)), show(value))
                )
                setattr(enrolment, name, value)
        if enrolment.repeating != repeating:
            changes.append(Change("Redoublant", show(enrolment.repeating), show(repeating)))
            enrolment.repeating = repeating
        return changes

    def _next_year_facts(self) -> list[tuple[str, str]]:
        assert self.previous is not None
        counts = getattr(self, "next_counts", Counter())
        leavers = self.plan.section("leavers", "").counts[LEAVING]
        facts = [
            (
                f"Élèves de {self.year.label}",
                f"{counts['continuing']} qui continuent (dont {counts['repeating']} "
                f"redoublant{'s' if counts['repeating'] > 1 else ''}), {counts['arriving']} "
                f"nouveau{'x' if counts['arriving'] > 1 else ''} ; {leavers} élève"
                f"{'s' if leavers > 1 else ''} de {self.previous.label} absent"
                f"{'s' if leavers > 1 else ''} du fichier",
            )
        ]
        if self.becomes_current:
            facts.append(
                (
                    "Année en cours",
                    f"{self.year.label} le devient à l'application de l'import (elle commence "
                    f"le {show(self.year.start_date)}) ; {self.previous.label} reste consultable",
                )
            )
        else:
            facts.append(
                (
                    "Année en cours",
                    f"{self.previous.label} le reste : {self.year.label} sera « à venir » "
                    f"jusqu'au {show(self.year.start_date)} ; le chef d'établissement peut y "
                    "passer avant depuis la page Paramètres",
                )
            )
        return facts

    @property
    def becomes_current(self) -> bool:
        """The next year is made current on applying when it has begun, or the current
        year has ended."""
        if self.previous is None:
            return False
        return self.today >= self.year.start_date or self.today > self.previous.end_date
