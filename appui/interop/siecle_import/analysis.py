"""The analysis of a SIECLE file: resolve → clean → preview."""

from __future__ import annotations

from collections import Counter, defaultdict

from appui.core.identifiers import uai_problem
from appui.core.io.errors import ImportIssue, Severity
from appui.core.text import plural
from appui.schools.models import Division, Level, School, StudentGroup
from appui.schools.selectors import current_year

from ..models import ImportBatch
from ..plan import LEAVING, NEW, Entry, ImportRefused, show
from ..structure import LevelResolver, school_mappings
from .fields import LEAVING_SHARE, MAX_LISTED
from .next_year import SiecleNextYear


class SiecleAnalysis(SiecleNextYear):
    """The whole analysis: the files' checks, the school and year, the levels, divisions,
    groups and pupils, the second confirmations, and the preview's facts."""

    def _analyse(self, school: School | None) -> None:
        self._collect_file_issues()
        self._check_nomenclature()
        self._resolve_school(school)
        self.leave_date = self.export.parameters.export_date or self.today
        existing_levels = self._load_structure()
        students = self.plan.section("students", "Élèves")
        self._plan_divisions()
        if self.previous is not None:
            self._carry_level_settings()
        self._load_groups()
        self._plan_pupils(students)
        self._check_unique_keys()
        self._check_harm(students)
        self._plan_structure(existing_levels)
        self._school_facts()
        self._file_facts()

    def _collect_file_issues(self) -> None:
        """The problems the readers found in the files."""
        self.plan.issues.extend(self.export.issues)
        if self.nomenclature is not None:
            self.plan.issues.extend(self.nomenclature.issues)

    def _load_structure(self) -> list[Level]:
        """The year's levels, divisions and groups already in appui; returns the levels."""
        existing_levels = list(self.year.levels.all()) if self.year.pk else []
        self.levels = LevelResolver(
            self.year,
            existing_levels,
            mappings=school_mappings(self.school),
            label_of=self.nomenclature.mef_label if self.nomenclature else None,
        )
        self.divisions = (
            {d.code: d for d in Division.objects.filter(year=self.year).select_related("level")}
            if self.year.pk
            else {}
        )
        self.groups = (
            {g.code: g for g in StudentGroup.objects.filter(year=self.year)} if self.year.pk else {}
        )
        return existing_levels

    def _plan_pupils(self, section) -> None:
        """The pupils of the current year, or of the next year the file opens."""
        if self.previous is not None:
            self._plan_next_students(section)
            return
        self._plan_students(section)

    def _plan_structure(self, existing_levels: list[Level]) -> None:
        """The preview's new levels, divisions and groups."""
        levels = self.plan.section("levels", "Niveaux")
        for level in self.levels.new:
            levels.add(Entry(NEW, level.name, level.mef_mask, note=self._level_note(level)))
        levels.unchanged(len(existing_levels))
        divisions = self.plan.section("divisions", "Divisions")
        for division in self.new_divisions:
            divisions.add(Entry(NEW, division.code, division.level.name))
        divisions.unchanged(len(self.divisions) - len(self.new_divisions))
        groups = self.plan.section("groups", "Groupes")
        for group in self.new_groups:
            groups.add(Entry(NEW, group.code))
        groups.unchanged(len(self.groups) - len(self.new_groups))

    def _school_facts(self) -> None:
        """The preview's facts on the school and the school year."""
        facts = self.plan.facts
        if self.creates_school:
            facts.append(
                (
                    "Établissement",
                    f"{self.school.name} ({self.school.uai}) — nouvel établissement, qui sera "
                    "créé par cet import" + (f", {self.academy.name}" if self.academy else ""),
                )
            )
        else:
            facts.append(("Établissement", f"{self.school.name} ({self.school.uai})"))
        year_text = self.year.label
        if self.creates_year:
            year_text += (
                f" — créée par cet import, du {show(self.year.start_date)} au "
                f"{show(self.year.end_date)}, zone {self.school.holiday_zone}"
            )
        if self.previous is not None:
            year_text += (
                f" ; ouverte à côté de {self.previous.label}, qui est conservée telle quelle"
                if self.creates_year
                else f" — à venir, à côté de {self.previous.label} (conservée telle quelle)"
            )
        facts.append(("Année scolaire", year_text))
        if self.previous is not None:
            facts.extend(self._next_year_facts())

    def _file_facts(self) -> None:
        """The preview's facts on the file: its date, its students, those without a class."""
        export, facts = self.export, self.plan.facts
        if export.parameters.export_date:
            facts.append(("Export SIECLE du", show(export.parameters.export_date)))
        facts.append(
            (
                "Élèves dans le fichier",
                f"{len(export.students)}, dont "
                f"{plural(len(export.current_students), 'présent', 'présents')} et "
                f"{plural(len(export.left_students), 'sorti', 'sortis')}",
            )
        )
        if self.without_class:
            names = ", ".join(
                f"{record.full_name} (ligne {record.line})"
                for record in self.without_class[:MAX_LISTED]
            )
            more = len(self.without_class) - MAX_LISTED
            facts.append(
                (
                    "Élèves sans classe",
                    f"{len(self.without_class)} : {names}"
                    + (f" et {more} autres" if more > 0 else ""),
                )
            )

    @staticmethod
    def _level_note(level: Level) -> str:
        if level.to_specify:
            return "à préciser : code MEF inconnu d'appui"
        if not level.has_ap:
            return "pas d'AP"
        if level.ap_hours:
            return f"{show(level.ap_hours)} h d'AP par an"
        return "heures à saisir"

    def _check_nomenclature(self) -> None:
        """A Nomenclature of another school or year is refused: its labels would be wrong."""
        nomenclature, params = self.nomenclature, self.export.parameters
        if nomenclature is None:
            return
        if nomenclature.uai and nomenclature.uai != params.uai:
            raise ImportRefused(
                f"Le fichier des nomenclatures « {nomenclature.file_name} » est celui de "
                f"l'établissement {nomenclature.uai}, alors que les élèves sont ceux de "
                f"{params.uai} : exportez de SIECLE la Nomenclature du même établissement. "
                "Rien n'a été importé."
            )
        if nomenclature.school_year and nomenclature.school_year != params.school_year:
            raise ImportRefused(
                f"Le fichier des nomenclatures « {nomenclature.file_name} » concerne l'année "
                f"{nomenclature.school_year}-{nomenclature.school_year + 1}, alors que les "
                f"élèves sont ceux de {params.school_year_label} : exportez de SIECLE la "
                "Nomenclature de la même année. Rien n'a été importé."
            )

    def _check_harm(self, students) -> None:
        """The second confirmations: many present students leaving, an older export."""
        leaving = students.counts[LEAVING]
        present = self.present_before
        # Opening the next year, a third of the pupils leaving (last classes) is the rule.
        if self.previous is None and present and leaving > LEAVING_SHARE * present:
            share = round(100 * leaving / present)
            self.plan.confirmations.append(
                f"{leaving} des {present} élèves présents dans appui ({share} %) deviendraient "
                "« sortants » : ils seraient marqués sortis et disparaîtraient des listes, des "
                "effectifs et des groupes de besoin à venir. Un fichier partiel (quelques "
                "élèves, une seule classe) ne doit pas être importé ainsi : exportez de SIECLE "
                "tous les élèves de l'établissement."
            )
        export_date = self.export.parameters.export_date
        if export_date is None or not self.school.pk:
            return
        last = (
            ImportBatch.objects.filter(
                school=self.school,
                kind="siecle",
                status=ImportBatch.Status.APPLIED,
                export_date__isnull=False,
            )
            .order_by("-applied_at", "-pk")
            .values_list("export_date", flat=True)
            .first()
        )
        if last is not None and export_date < last:
            self.plan.confirmations.append(
                f"Ce fichier a été exporté de SIECLE le {show(export_date)}, avant le dernier "
                f"export importé (du {show(last)}) : l'appliquer remettrait dans appui des "
                "données plus anciennes (classes, groupes, sorties) que celles déjà "
                "enregistrées."
            )

    def _resolve_school(self, school: School | None) -> None:
        params = self.export.parameters
        if school is None:
            other = School.objects.filter(uai=params.uai).first()
            if other is not None:
                # Created meanwhile (another import of the same UAI applied first).
                raise ImportRefused(
                    f"L'établissement {params.uai} ({other.name}) existe déjà dans appui : "
                    "ce fichier doit être importé par son chef d'établissement, connecté à "
                    "cet établissement. Rien n'a été importé."
                )
            problem = uai_problem(params.uai)
            if problem:
                raise ImportRefused(
                    f"Le code UAI du fichier (UAJ) n'est pas valide : {problem} Rien n'a été "
                    "importé."
                )
            self.school = School(
                uai=params.uai,
                name=self.school_name or params.uai,
                holiday_zone=self.holiday_zone or School.Zone.B,
                academy=self.academy,
            )
            self.creates_school = True
            self._new_year()
            return
        self.school = school
        if params.uai != self.school.uai:
            raise ImportRefused(
                f"Ce fichier est l'export de l'établissement {params.uai}, pas celui de "
                f"{self.school.name} ({self.school.uai}). Vérifiez l'établissement choisi "
                "dans SIECLE avant l'export. Rien n'a été importé."
            )
        year = current_year(self.school)
        if year is None:
            self._new_year()
            return
        if params.school_year < year.start_year:
            raise ImportRefused(
                f"Ce fichier concerne l'année scolaire {params.school_year_label}, antérieure à "
                f"l'année en cours de {self.school.name} dans appui, {year.label} : un export "
                "d'une année passée ne peut plus être importé (cette année reste telle "
                f"qu'enregistrée). Exportez depuis SIECLE les élèves de l'année {year.label}, "
                "ou ceux de l'année suivante pour l'ouvrir. Rien n'a été importé."
            )
        if params.school_year > year.start_year:
            self._open_next(year)
            return
        self.year = year

    def _plan_divisions(self) -> None:
        """Every real division of the file, created with the level of its students' MEF (a
        level « à préciser » for a code appui does not know). Only a division none of whose
        students has a MEF code stays out; its students are stored without a class."""
        codes: dict[str, Counter] = defaultdict(Counter)
        for student in self.export.students:
            if student.division is not None and student.mef_code:
                # Current students decide the level; those who left only break ties.
                codes[student.division][student.mef_code] += 100 if student.current else 1
            elif student.division is not None:
                codes.setdefault(student.division, Counter())
        self.unresolved: set[str] = set()
        for code, mefs in sorted(codes.items()):
            if code in self.divisions:
                continue
            level = None
            for mef, _count in mefs.most_common():
                level = self.levels.for_mef(mef)
                if level is not None:
                    break
            if level is None:
                self.unresolved.add(code)
                self.plan.issues.append(
                    ImportIssue(
                        file=self.export.file_name,
                        line=None,
                        field="CODE_MEF",
                        value=None,
                        severity=Severity.WARNING,
                        message=(
                            f"aucun élève de la division « {code} » n'a de code MEF : son niveau "
                            "est inconnu, elle n'est pas créée et ses élèves sont importés sans "
                            "classe."
                        ),
                    )
                )
                continue
            specialty = ""
            if self.nomenclature is not None:
                for mef, _count in mefs.most_common():
                    specialty = self.nomenclature.mef_label(mef) or ""
                    if specialty:
                        break
            division = Division(
                year=self.year, level=level, code=code[:30], specialty=specialty[:200]
            )
            self.divisions[code] = division
            self.new_divisions.append(division)
        self._warn_unknown_mefs()

    def _warn_unknown_mefs(self) -> None:
        """One warning per level « à préciser » the import creates, with its students."""
        unknown = {level.mef_mask: level for level in self.levels.new if level.to_specify}
        if not unknown:
            return
        counts = Counter(
            record.mef_code.strip().upper()
            for record in self.export.current_students
            if record.mef_code and record.mef_code.strip().upper() in unknown
        )
        for code, level in sorted(unknown.items()):
            number = counts[code]
            self.plan.issues.append(
                ImportIssue(
                    file=self.export.file_name,
                    line=None,
                    field="CODE_MEF",
                    value=code,
                    severity=Severity.WARNING,
                    message=(
                        f"le code MEF {code} n'est pas connu d'appui : le niveau « {level.name} » "
                        f"est créé « à préciser » ({number} élève{'s' if number > 1 else ''} "
                        "présent" + ("s" if number > 1 else "") + "). Ses élèves sont importés ; "
                        "indiquez une fois ce qu'il est (voie, année, heures d'AP ou pas d'AP) : "
                        "les imports suivants l'appliqueront."
                    ),
                )
            )
