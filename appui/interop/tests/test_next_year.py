"""The SIECLE export of the next school year opens it beside the current one (issue 15, item 6).

Year N (2026-2027) is the small file of ``conftest.pupils()``; year N+1 (2027-2028) is built
here: Hélène Dupré goes up to 1re pro, Noël Lefèvre repeats his 2nde pro, Zoé Béranger has a
new SIECLE id (matched by her INE) and goes up to CAP 2e année, Aïcha N'Diaye and Théo Le Gall
leave, Inès Nouvelle arrives.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from appui.core.io.samples import MEF_CODES, SampleStudent, siecle_xml, zipped
from appui.diagnostics.models import Campaign
from appui.diagnostics.services import framework_install_default
from appui.interop import services
from appui.interop.plan import ImportRefused
from appui.interop.student_export import student_export
from appui.planning.models import Plan
from appui.schools import selectors
from appui.schools.models import (
    Division,
    Enrolment,
    Level,
    Membership,
    Period,
    SchoolYear,
    Student,
    StudentGroup,
)
from appui.schools.services import year_make_current
from appui.schools.tests import factories as f
from appui.tutoring import services as tutoring
from appui.tutoring.models import Tutorship

from .conftest import NEW_UAI, pupils, siecle_file

pytestmark = pytest.mark.django_db
ZIP = "ExportXML_ElevesSansAdresses.zip"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
#: Before the next year begins and before the current one ends: the next year is « à venir ».
JUNE = datetime.datetime(2027, 6, 20, 10, tzinfo=PARIS)
#: After the current year's last day (2 July 2027, zone A): the next year becomes current.
AUGUST = datetime.datetime(2027, 8, 25, 10, tzinfo=PARIS)


def next_pupils() -> list[SampleStudent]:
    entry = datetime.date(2027, 9, 1)
    return [
        SampleStudent(
            "1001", "DUPRÉ", "Hélène", "1PRO-A", MEF_CODES["bacpro-2"], ine="1234567890A",
            elenoet="501", groups=("AP-1PRO",), sex="2", entry_date=entry,
        ),
        SampleStudent(
            "1002", "LEFÈVRE", "Noël", "2PRO-A", MEF_CODES["bacpro-1"], ine="1234567891B",
            elenoet="502", sex="1", birth_date=datetime.date(2011, 1, 5), entry_date=entry,
        ),
        SampleStudent(
            "2003", "BÉRANGER", "Zoé", "2CAP-B", MEF_CODES["cap2-2"], ine="1234567892C",
            elenoet="503", entry_date=entry,
        ),
        SampleStudent(
            "2010", "NOUVELLE", "Inès", "2PRO-A", MEF_CODES["bacpro-1"], ine="1234567896G",
            elenoet="510", entry_date=entry,
        ),
    ]  # fmt: skip


def next_file(students=None) -> bytes:
    return zipped(
        siecle_xml(
            next_pupils() if students is None else students,
            uai=NEW_UAI,
            school_year=2027,
            export_date=datetime.date(2027, 6, 15),
        )
    )


def run(content, school, dry_run=False):
    return services.import_run(
        kind="siecle", school=school, content=content, file_name=ZIP, dry_run=dry_run
    )


def year_of(school, start_year):
    return SchoolYear.objects.get(school=school, start_year=start_year)


def pupil(siecle_id=None, **lookup):
    return Student.objects.get(**({"siecle_id": siecle_id} if siecle_id else lookup))


def snapshot(year):
    """Everything of one year that opening the next one must leave as it was."""
    return {
        "year": SchoolYear.objects.filter(pk=year.pk).values().get(),
        "levels": sorted(
            Level.objects.filter(year=year).values_list(
                "pk", "name", "mef_mask", "ap_hours", "has_ap", "separate_schemes"
            )
        ),
        "divisions": sorted(Division.objects.filter(year=year).values_list("pk", "code")),
        "periods": sorted(Period.objects.filter(year=year).values_list("pk", "start_date")),
        "enrolments": sorted(
            Enrolment.objects.filter(year=year).values_list(
                "pk", "student_id", "division_id", "mef", "entry_date", "exit_date", "repeating"
            )
        ),
        "groups": sorted(
            StudentGroup.students.through.objects.filter(studentgroup__year=year).values_list(
                "studentgroup_id", "student_id"
            )
        ),
        "campaigns": sorted(Campaign.objects.filter(year=year).values_list("pk", "name")),
        "plans": sorted(Plan.objects.filter(level__year=year).values_list("pk", "status")),
    }


@pytest.fixture
def school(imported):
    """Year N imported, with a campaign and a published plan."""
    year = year_of(imported, 2026)
    level = Level.objects.get(year=year, short_name="2de pro")
    period = year.periods.first()
    Campaign.objects.create(
        year=year,
        level=level,
        period=period,
        kind=Campaign.Kind.SEPTEMBER_REVIEW,
        name="Bilan de rentrée",
        date=datetime.date(2026, 9, 10),
        framework=framework_install_default(school=imported),
    )
    Plan.objects.create(level=level, period=period, status=Plan.Status.PUBLISHED)
    return imported


class TestOpeningTheNextYear:
    def test_the_current_year_is_left_exactly_as_it_was(self, school, time_machine):
        time_machine.move_to(JUNE)
        before = snapshot(year_of(school, 2026))
        run(next_file(), school)
        assert snapshot(year_of(school, 2026)) == before

    def test_before_it_begins_the_next_year_is_to_come(self, school, time_machine):
        time_machine.move_to(JUNE)
        run(next_file(), school)
        current, upcoming = year_of(school, 2026), year_of(school, 2027)
        assert current.is_current and not upcoming.is_current
        assert upcoming.start_date == datetime.date(2027, 9, 1)
        assert upcoming.periods.count() == 5
        # The pupils still read as in 2026-2027.
        assert pupil("1001").division.code == "2PRO-A"
        assert pupil("1005").exit_date is None

    def test_after_the_current_year_ended_the_next_year_becomes_current(self, school, time_machine):
        time_machine.move_to(AUGUST)
        run(next_file(), school)
        assert year_of(school, 2027).is_current and not year_of(school, 2026).is_current
        assert pupil("1001").division.code == "1PRO-A"
        assert pupil("1001").division.year.start_year == 2027

    def test_the_preview_names_continuing_repeating_arriving_and_leaving(
        self, school, time_machine
    ):
        time_machine.move_to(JUNE)
        outcome = run(next_file(), school, dry_run=True)
        facts = dict(outcome.plan.facts)
        assert "2026-2027" in facts["Année scolaire"] and "2027-2028" in facts["Année scolaire"]
        assert facts["Élèves de 2027-2028"].startswith("3 qui continuent (dont 1 redoublant)")
        assert "1 nouveau" in facts["Élèves de 2027-2028"]
        assert "« à venir »" in facts["Année en cours"]
        leavers = {entry.label for entry in outcome.plan.section("leavers", "").entries}
        assert leavers == {"N'DIAYE Aïcha", "LE GALL Théo"}
        assert not SchoolYear.objects.filter(start_year=2027).exists()


class TestPupilsAcrossTheYears:
    @pytest.fixture(autouse=True)
    def opened(self, school, time_machine):
        time_machine.move_to(JUNE)
        run(next_file(), school)
        self.year = year_of(school, 2027)
        self.before = year_of(school, 2026)

    def enrolment(self, student, year):
        return Enrolment.objects.select_related("division").get(student=student, year=year)

    def test_a_continuing_pupil_is_one_person_with_two_enrolments(self):
        helene = pupil("1001")
        assert self.enrolment(helene, self.before).division.code == "2PRO-A"
        later = self.enrolment(helene, self.year)
        assert later.division.code == "1PRO-A" and not later.repeating
        assert Student.objects.filter(last_name="DUPRÉ").count() == 1

    def test_a_pupil_whose_siecle_id_changed_is_matched_by_ine(self):
        zoe = pupil(ine="1234567892C")
        assert zoe.siecle_id == "2003"
        assert self.enrolment(zoe, self.before).division.code == "1CAP-B"
        assert self.enrolment(zoe, self.year).division.code == "2CAP-B"

    def test_a_pupil_at_the_same_level_again_is_a_repeater(self):
        noel = pupil("1002")
        assert self.enrolment(noel, self.year).repeating
        assert not self.enrolment(noel, self.before).repeating

    def test_a_new_arrival_is_enrolled_in_the_new_year_only(self):
        ines = pupil("2010")
        assert self.enrolment(ines, self.year).division.code == "2PRO-A"
        assert not Enrolment.objects.filter(student=ines, year=self.before).exists()
        # Not a pupil of 2026-2027 yet: no class there, and not one of its leavers either.
        assert ines.division is None and ines.exit_date is None
        assert ines.entry_date == datetime.date(2027, 9, 1)

    def test_the_arrival_is_in_neither_the_leavers_nor_the_unplaced_of_year_n(self):
        ines = pupil("2010")
        assert ines not in selectors.current_students()
        assert ines not in selectors.students_of(self.before, without_division=True)
        assert ines not in selectors.students_of(self.before, include_left=True)
        assert ines in selectors.students_of(self.year, division=ines.enrolments.get().division)

    def test_reimporting_year_ns_file_does_not_make_the_arrival_leave(self, school):
        # Year N's file exported after year N+1's, while N+1 is still to come.
        year_n = siecle_xml(pupils(), uai=NEW_UAI, export_date=datetime.date(2027, 6, 18))
        outcome = run(zipped(year_n), school)
        assert outcome.plan.counts()["students"]["leaving"] == 0
        ines = pupil("2010")
        assert ines.exit_date is None and ines.division is None
        assert not Enrolment.objects.filter(student=ines, year=self.before).exists()

    def test_the_arrival_joins_their_division_when_the_new_year_is_current(self):
        year_make_current(year=self.year)
        ines = pupil("2010")
        assert ines.division.code == "2PRO-A" and ines.division.year == self.year
        assert ines in selectors.current_students()

    def test_a_leaver_keeps_their_history_and_leaves_when_the_new_year_is_current(self, school):
        aicha = pupil("1005")
        assert aicha.exit_date is None
        kept = self.enrolment(aicha, self.before)
        year_make_current(year=self.year)
        aicha.refresh_from_db()
        assert aicha.exit_date == self.before.end_date and aicha.division is None
        assert self.enrolment(aicha, self.before) == kept
        assert self.enrolment(aicha, self.before).division.code == "6A"
        assert not Enrolment.objects.filter(student=aicha, year=self.year).exists()
        ines = pupil("2010")
        assert ines.exit_date is None and ines.division.code == "2PRO-A"

    def test_the_new_year_has_its_levels_and_divisions(self):
        codes = set(Division.objects.filter(year=self.year).values_list("code", flat=True))
        assert codes == {"1PRO-A", "2PRO-A", "2CAP-B"}
        assert set(StudentGroup.objects.filter(year=self.year).values_list("code", flat=True)) == {
            "AP-1PRO"
        }

    def test_reimporting_the_next_years_file_changes_nothing(self, school):
        before = snapshot(self.year)
        outcome = run(next_file(), school)
        counts = outcome.plan.counts()["students"]
        assert counts["new"] == counts["changed"] == counts["leaving"] == 0
        assert snapshot(self.year) == before

    def test_reimporting_it_once_current_changes_nothing(self, school):
        year_make_current(year=self.year)
        before = snapshot(self.year)
        outcome = run(next_file(), school)
        counts = outcome.plan.counts()["students"]
        assert counts["new"] == counts["changed"] == counts["leaving"] == 0
        assert snapshot(self.year) == before

    def test_an_older_years_file_is_then_refused(self, school):
        year_make_current(year=self.year)
        with pytest.raises(ImportRefused) as refused:
            run(siecle_file(), school)
        message = refused.value.messages[0]
        assert "2026-2027" in message and "2027-2028" in message and "antérieure" in message

    def test_export_student_lists_both_enrolments(self):
        enrolments = student_export(pupil("1002"))["enrolments"]
        assert [(e["year"], e["division"], e["repeating"]) for e in enrolments] == [
            ("2026-2027", "2PRO-A", False),
            ("2027-2028", "2PRO-A", True),
        ]


class TestLevelsCarriedForward:
    def test_the_new_years_levels_take_last_years_settings(self, school, time_machine):
        level = Level.objects.get(year=year_of(school, 2026), short_name="2de pro")
        level.ap_hours = 72
        level.separate_schemes = False
        level.save()
        time_machine.move_to(JUNE)
        run(next_file(), school)
        later = Level.objects.get(year=year_of(school, 2027), mef_mask=level.mef_mask)
        assert (later.ap_hours, later.separate_schemes, later.has_ap) == (72, False, True)


class TestSwitchingYear:
    @pytest.fixture
    def upcoming(self, school, time_machine):
        time_machine.move_to(JUNE)
        run(next_file(), school)
        return year_of(school, 2027)

    def test_the_head_makes_the_next_year_current(self, login, superuser, upcoming):
        client = login(superuser)
        page = client.get(reverse("schools:settings-home"))
        assert "2027-2028" in page.content.decode()
        response = client.post(
            reverse("schools:settings-home"), {"switch_year": "1", "year": upcoming.pk}
        )
        assert response.status_code == 302
        upcoming.refresh_from_db()
        assert upcoming.is_current
        assert pupil("1001").division.code == "1PRO-A"

    def test_a_coordinator_cannot_switch(self, login, school, upcoming):
        user = f.UserFactory(username="coord")
        f.MembershipFactory(user=user, school=school, role=Membership.Role.COORDINATOR)
        response = login(user).post(
            reverse("schools:settings-home"), {"switch_year": "1", "year": upcoming.pk}
        )
        assert response.status_code == 403
        upcoming.refresh_from_db()
        assert not upcoming.is_current

    def test_a_past_year_cannot_be_made_current_from_the_form(self, login, superuser, upcoming):
        past = year_of(upcoming.school, 2026)
        login(superuser).post(
            reverse("schools:settings-home"), {"switch_year": "1", "year": past.pk}
        )
        upcoming.refresh_from_db()
        assert not upcoming.is_current and year_of(upcoming.school, 2026).is_current


class TestTutorshipsCarriedOver:
    def test_last_years_tutor_is_proposed_to_a_continuing_pupil(self, school, time_machine):
        year = year_of(school, 2026)
        staff = f.StaffFactory(school=school)
        tutor = tutoring.tutor_volunteer(staff=staff, year=year, today=datetime.date(2026, 9, 20))
        for siecle_id in ("1001", "1005"):
            tutoring.tutorship_create(
                tutor=tutor, student=pupil(siecle_id), today=datetime.date(2026, 9, 20)
            )
        time_machine.move_to(JUNE)
        run(next_file(), school)
        proposals = Tutorship.objects.filter(year=year_of(school, 2027))
        assert [(t.student.siecle_id, t.proposed) for t in proposals] == [("1001", True)]
        assert proposals[0].tutor.staff == staff and proposals[0].tutor.tutee_count == 0


class TestEveryImportRecordsEnrolments:
    def test_the_first_siecle_import_enrols_every_pupil_of_the_year(self, imported):
        year = year_of(imported, 2026)
        enrolled = dict(
            Enrolment.objects.filter(year=year).values_list("student__siecle_id", "division__code")
        )
        # 1004 left during the year: enrolled, with the exit date.
        assert enrolled == {
            "1001": "2PRO-A",
            "1002": "2PRO-A",
            "1003": "1CAP-B",
            "1004": "1CAP-B",
            "1005": "6A",
            "1006": "3PM",
        }
        assert Enrolment.objects.get(student__siecle_id="1004").exit_date is not None

    def test_a_change_of_class_in_the_current_year_follows_in_its_enrolment(self, imported):
        moved = [
            SampleStudent(
                "1001", "DUPRÉ", "Hélène", "1CAP-B", MEF_CODES["cap2-1"], ine="1234567890A",
                elenoet="501", sex="2",
            ),
        ]  # fmt: skip
        services.import_run(
            kind="siecle",
            school=imported,
            content=siecle_file(moved + [p for p in pupils() if p.eleve_id != "1001"]),
            file_name=ZIP,
        )
        enrolment = Enrolment.objects.get(student__siecle_id="1001")
        assert enrolment.division.code == "1CAP-B"

    def test_the_demo_enrols_every_pupil_in_its_year(self, db):
        from appui.schools.demo import build_demo

        build_demo(seed=7, students=60)
        students = Student.objects.filter(school__uai="0219990V")
        assert Enrolment.objects.filter(student__in=students).count() == students.count()
