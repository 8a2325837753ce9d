"""SIECLE import of real schools (issue 15): every present pupil stored whatever their MEF,
special schemes, levels « à préciser » and their mappings, shared INEs, the second
confirmation before a harmful file, foreign Nomenclature and STS-web files refused.

Every file is fictitious and built here."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from appui.core.io.samples import SampleStudent, nomenclature_xml, siecle_xml, zipped
from appui.interop import services
from appui.interop.models import ImportBatch
from appui.interop.plan import ImportRefused
from appui.schools.models import Level, MefMapping, School, SchoolYear, Student

from .conftest import EXPORT_DATE, NEW_UAI, sts_file

pytestmark = pytest.mark.django_db
ZIP = "ExportXML_ElevesSansAdresses.zip"
SIXIEME, CINQUIEME = "10010012110", "10110001110"
SEGPA = {"6e": "16410002110", "5e": "16510002110", "4e": "16610002110", "3e": "16710002110"}
UNKNOWN_MEF = "27621001110"


def pupil(eleve_id, division, mef, *, ine=None, exit_date=None, groups=()):
    return SampleStudent(
        str(eleve_id),
        f"ÉLÈVE{eleve_id}",
        "Zoé",
        division,
        mef,
        ine=ine,
        exit_date=exit_date,
        groups=groups,
    )


def content(students, *, export_date=EXPORT_DATE, school_year=2026, name="ElevesSansAdresses.xml"):
    xml = siecle_xml(students, uai=NEW_UAI, school_year=school_year, export_date=export_date)
    return zipped(xml, name)


def run(students, *, nomenclature=None, confirmed=False, dry_run=False, **kwargs):
    return services.import_run(
        kind="siecle",
        school=services.FROM_FILE,
        content=content(students, **kwargs),
        file_name=ZIP,
        extra_content=nomenclature,
        extra_name="Nomenclature.xml" if nomenclature else "",
        options={"school_name": "Collège des Essais", "holiday_zone": "B"},
        confirmed=confirmed,
        dry_run=dry_run,
    )


def map_unknown_mef(school, label, short_name, *, year_in_cycle, hours):
    """The head says once what UNKNOWN_MEF is: a collège level with AP."""
    return MefMapping.objects.create(
        school=school,
        mef=UNKNOWN_MEF,
        label=label,
        short_name=short_name,
        track="college",
        year_in_cycle=year_in_cycle,
        has_ap=True,
        ap_hours=Decimal(hours),
    )


def counts(plan, section="students"):
    return {status: number for status, number in plan.counts()[section].items() if number}


def college() -> list[SampleStudent]:
    """Two ordinary 6e, a ULIS pupil (ordinary MEF, ULIS group), four SEGPA classes, an
    allophone pupil in a UPE2A division, a pupil without a class."""
    return [
        pupil(1, "6A", SIXIEME, ine="100000001AA"),
        pupil(2, "6A", SIXIEME, ine="100000002AA"),
        pupil(3, "6A", SIXIEME, ine="100000003AA", groups=("ULIS COLLEGE",)),
        pupil(4, "6SEGPA", SEGPA["6e"], ine="100000004AA"),
        pupil(5, "5SEGPA", SEGPA["5e"], ine="100000005AA"),
        pupil(6, "4SEGPA", SEGPA["4e"], ine="100000006AA"),
        pupil(7, "3SEGPA", SEGPA["3e"], ine="100000007AA"),
        pupil(8, "5UPE2A", CINQUIEME, ine="100000008AA"),
        pupil(9, None, CINQUIEME, ine="100000009AA"),
    ]


class TestEveryPresentPupilIsStored:
    def test_a_college_with_segpa_ulis_upe2a_and_a_pupil_without_a_class(self):
        outcome = run(college())
        assert counts(outcome.plan) == {"new": 9}
        students = {s.siecle_id: s for s in Student.objects.select_related("division__level")}
        assert len(students) == 9
        assert students["4"].division.code == "6SEGPA"
        assert students["4"].division.level.short_name == "6e SEGPA"
        assert students["7"].division.level.name == "Troisième SEGPA"
        assert {students[k].scheme for k in "4567"} == {"segpa"}
        assert students["3"].scheme == "ulis"
        assert students["8"].scheme == "upe2a"
        assert students["1"].scheme == ""
        assert students["1"].mef == SIXIEME
        # The pupil without a class: stored, with their MEF, and named in the preview.
        assert students["9"].division is None and students["9"].mef == CINQUIEME
        facts = dict(outcome.plan.facts)
        assert facts["Élèves sans classe"].startswith("1 : ÉLÈVE9 Zoé (ligne ")
        [entry] = [
            e for e in outcome.plan.section("students", "").entries if e.label.startswith("ÉLÈVE9")
        ]
        assert entry.context == "sans classe"

    def test_the_same_college_file_again_changes_nothing(self):
        run(college())
        outcome = run(college())
        assert not outcome.plan.changes_anything
        assert counts(outcome.plan) == {"unchanged": 9}

    def test_a_mef_missing_from_an_older_installation_is_filled_without_a_change_listed(self):
        run(college())
        Student.objects.update(mef="")
        outcome = run(college())
        assert counts(outcome.plan) == {"unchanged": 9}
        assert Student.objects.get(siecle_id="4").mef == SEGPA["6e"]

    def test_a_lycee_gt_with_bts_stores_everyone_and_bts_has_no_ap(self):
        students = [
            pupil(1, "2GT1", "20010017110"),
            pupil(2, "1G1", "20110019110"),
            pupil(3, "TG1", "20210019110"),
            pupil(4, "1STMG", "21131016110"),
            pupil(5, "TSTI2D", "21231016110"),
            pupil(6, "BTS1 MCO", "32031213210"),
            pupil(7, "BTS2 MCO", "32031213220"),
        ]
        outcome = run(students)
        assert counts(outcome.plan) == {"new": 7}
        assert not [issue for issue in outcome.plan.issues if issue.field == "CODE_MEF"]
        levels = {level.short_name: level for level in Level.objects.all()}
        assert {"2nde GT", "1re G", "Tle G", "1re techno", "Tle techno"} <= set(levels)
        assert all(levels[n].track == "gt" and levels[n].has_ap for n in ("2nde GT", "Tle G"))
        assert levels["BTS 1/2"].track == "postbac" and not levels["BTS 1/2"].has_ap
        assert Student.objects.get(siecle_id="6").division.level == levels["BTS 1/2"]
        notes = {e.label: e.note for e in outcome.plan.section("levels", "").entries}
        assert notes["1re année de BTS"] == "pas d'AP"

    def test_pupils_in_a_pseudo_division_still_are_not_present(self):
        outcome = run([pupil(1, "6A", SIXIEME), pupil(2, "Inactifs", SIXIEME)])
        assert Student.objects.count() == 1
        assert "Élèves sans classe" not in dict(outcome.plan.facts)


class TestUnknownMef:
    def test_it_creates_a_level_to_specify_named_after_the_nomenclature(self):
        nomenclature = nomenclature_xml(
            {UNKNOWN_MEF: "Dispositif relais"}, {}, uai=NEW_UAI, school_year=2026
        )
        students = [pupil(n, "DR1", UNKNOWN_MEF) for n in range(1, 4)]
        outcome = run(students, nomenclature=nomenclature)
        level = Level.objects.get(mef_mask=UNKNOWN_MEF)
        assert (level.track, level.to_specify, level.name) == ("other", True, "Dispositif relais")
        assert Student.objects.filter(division__level=level).count() == 3
        [warning] = [issue for issue in outcome.plan.issues if issue.field == "CODE_MEF"]
        assert not warning.is_error and warning.value == UNKNOWN_MEF
        assert "3 élèves présents" in warning.message and "à préciser" in warning.message

    def test_without_nomenclature_the_level_is_named_after_its_code(self):
        run([pupil(1, "DR1", UNKNOWN_MEF)])
        assert Level.objects.get(mef_mask=UNKNOWN_MEF).name == f"MEF {UNKNOWN_MEF}"

    def test_the_mapping_the_head_made_is_applied_by_the_next_import(self):
        school = run([pupil(1, "DR1", UNKNOWN_MEF)]).school
        map_unknown_mef(school, "Dispositif relais", "Relais", year_in_cycle=2, hours="36")
        # The next school year: its levels are created again, this time from the mapping.
        SchoolYear.objects.filter(school=school).update(is_current=False)
        SchoolYear.objects.create(
            school=school,
            start_year=2027,
            start_date=datetime.date(2027, 9, 1),
            end_date=datetime.date(2028, 7, 3),
            is_current=True,
        )
        outcome = run([pupil(1, "DR1", UNKNOWN_MEF)], school_year=2027)
        level = Level.objects.get(year__start_year=2027, mef_mask=UNKNOWN_MEF)
        assert (level.track, level.to_specify, level.name, level.short_name) == (
            "college",
            False,
            "Dispositif relais",
            "Relais",
        )
        assert (level.year_in_cycle, level.ap_hours, level.has_ap) == (2, Decimal("36"), True)
        assert not [issue for issue in outcome.plan.issues if issue.field == "CODE_MEF"]
        assert Student.objects.get(siecle_id="1").division.level == level


class TestMefOfAPupilAgainstTheirClass:
    """A pupil whose MEF code does not fit their class's level is imported in their class,
    with a warning naming the file, the line and the field (issue 19's real-shaped file)."""

    def test_an_unknown_code_in_a_class_of_known_codes_is_warned_on_its_line(self):
        students = [pupil(n, "6A", SIXIEME) for n in range(1, 4)] + [pupil(4, "6A", UNKNOWN_MEF)]
        outcome = run(students)
        [warning] = [issue for issue in outcome.plan.issues if issue.field == "CODE_MEF"]
        assert not warning.is_error and warning.value == UNKNOWN_MEF
        assert warning.file.startswith(ZIP) and warning.line is not None
        assert "ÉLÈVE4 Zoé" in warning.message and "n'est pas connu d'appui" in warning.message
        assert "6A" in warning.message and "Sixième" in warning.message
        # Imported all the same, in their class, keeping the code SIECLE gave.
        student = Student.objects.get(siecle_id="4")
        assert student.division.code == "6A" and student.mef == UNKNOWN_MEF
        assert not Level.objects.filter(mef_mask=UNKNOWN_MEF).exists()

    def test_a_code_of_another_level_is_warned_and_one_of_the_same_year_is_not(self):
        other_sixieme = "10010005110"  # another 6e code (a bilingual section): fits
        students = [
            pupil(1, "6A", SIXIEME),
            pupil(2, "6A", SIXIEME),
            pupil(3, "6A", CINQUIEME),
            pupil(4, "6A", other_sixieme),
        ]
        outcome = run(students)
        [warning] = [issue for issue in outcome.plan.issues if issue.field == "CODE_MEF"]
        assert warning.value == CINQUIEME and "ÉLÈVE3" in warning.message
        assert "désigne le niveau « Cinquième »" in warning.message
        assert Student.objects.get(siecle_id="3").division.code == "6A"

    def test_a_code_the_head_mapped_names_the_level_it_was_mapped_to(self):
        school = run([pupil(n, "6A", SIXIEME) for n in range(1, 3)]).school
        map_unknown_mef(school, "Sixième bilangue", "6e bil.", year_in_cycle=1, hours="72")
        students = [pupil(n, "6A", SIXIEME) for n in range(1, 3)] + [pupil(3, "6A", UNKNOWN_MEF)]
        outcome = run(students)
        [warning] = [issue for issue in outcome.plan.issues if issue.field == "CODE_MEF"]
        assert "désigne le niveau « Sixième bilangue »" in warning.message
        assert "n'est pas connu" not in warning.message


class TestSharedIne:
    def test_a_leaver_sharing_a_present_pupil_s_ine_is_a_warning_and_both_are_stored(self):
        students = [
            pupil(1, "2GT1", "20010017110", ine="200000001AA", exit_date=datetime.date(2026, 9, 4)),
            pupil(2, "2GT1", "20010017110", ine="200000001AA"),
        ]
        outcome = run(students)
        assert not outcome.plan.blocked
        [warning] = [issue for issue in outcome.plan.issues if issue.field == "ID_NATIONAL"]
        assert not warning.is_error and warning.message.count("ligne ") == 2
        assert Student.objects.get(siecle_id="2").ine == "200000001AA"
        leaver = Student.objects.get(siecle_id="1")
        assert leaver.ine == "" and leaver.exit_date == datetime.date(2026, 9, 4)
        # One of each, in the singular.
        assert dict(outcome.plan.facts)["Élèves dans le fichier"] == "2, dont 1 présent et 1 sorti"

    def test_a_leaver_stored_with_the_ine_gives_it_up_to_the_present_pupil(self):
        left = datetime.date(2026, 9, 4)
        run([pupil(1, "2GT1", "20010017110", ine="200000001AA", exit_date=left)])
        assert Student.objects.get(siecle_id="1").ine == "200000001AA"
        outcome = run(
            [
                pupil(1, "2GT1", "20010017110", ine="200000001AA", exit_date=left),
                pupil(2, "2GT1", "20010017110", ine="200000001AA"),
            ]
        )
        assert not outcome.plan.blocked
        assert Student.objects.get(siecle_id="1").ine == ""
        assert Student.objects.get(siecle_id="2").ine == "200000001AA"

    def test_two_present_pupils_with_one_ine_block_the_import_and_the_rest_previews(self):
        students = [
            pupil(1, "6A", SIXIEME, ine="300000001AA"),
            pupil(2, "6A", SIXIEME, ine="300000002AA"),
            pupil(3, "6B", SIXIEME, ine="300000002AA"),
        ]
        plan = services.analyse(
            "siecle", school=None, content=content(students), file_name=ZIP
        ).plan
        assert plan.blocked
        errors = [issue for issue in plan.issues if issue.is_error and issue.line is not None]
        assert len(errors) == 1 and "ÉLÈVE2 Zoé" in errors[0].message
        assert "ÉLÈVE3 Zoé" in errors[0].message and errors[0].message.count("ligne ") == 2
        assert counts(plan) == {"new": 3}
        with pytest.raises(ImportRefused):
            run(students)
        assert not Student.objects.exists()


class TestForeignFiles:
    def test_a_nomenclature_of_another_school_is_refused(self):
        nomenclature = nomenclature_xml({SIXIEME: "6EME"}, {}, uai="0999998Y", school_year=2026)
        with pytest.raises(ImportRefused) as refused:
            run([pupil(1, "6A", SIXIEME)], nomenclature=nomenclature)
        assert "0999998Y" in refused.value.messages[0]
        assert not School.objects.exists()

    def test_a_nomenclature_of_another_year_is_refused(self):
        nomenclature = nomenclature_xml({SIXIEME: "6EME"}, {}, uai=NEW_UAI, school_year=2025)
        with pytest.raises(ImportRefused) as refused:
            run([pupil(1, "6A", SIXIEME)], nomenclature=nomenclature)
        assert "2025-2026" in refused.value.messages[0]
        assert not School.objects.exists()

    def test_an_sts_file_of_another_school_is_refused(self):
        school = run([pupil(1, "6A", SIXIEME)]).school
        with pytest.raises(ImportRefused) as refused:
            services.import_run(
                kind="sts", school=school, content=sts_file(uai="0999998Y"), file_name="s.xml"
            )
        assert "0999998Y" in refused.value.messages[0]

    def test_an_sts_file_of_another_year_is_refused(self):
        school = run([pupil(1, "6A", SIXIEME)]).school
        with pytest.raises(ImportRefused) as refused:
            services.import_run(
                kind="sts", school=school, content=sts_file(school_year=2025), file_name="s.xml"
            )
        assert "2025-2026" in refused.value.messages[0]


class TestHarmfulFiles:
    def test_a_tiny_partial_file_needs_a_second_confirmation(self):
        run([pupil(n, "6A", SIXIEME) for n in range(1, 11)])
        with pytest.raises(ImportRefused) as refused:
            run([pupil(1, "6A", SIXIEME), pupil(2, "6A", SIXIEME)])
        assert "8 des 10 élèves présents dans appui (80 %)" in refused.value.messages[0]
        assert "seconde confirmation" in refused.value.messages[-1]
        assert not Student.objects.exclude(exit_date=None).exists()
        run([pupil(1, "6A", SIXIEME), pupil(2, "6A", SIXIEME)], confirmed=True)
        assert Student.objects.exclude(exit_date=None).count() == 8

    def test_a_fifth_of_the_pupils_leaving_needs_no_second_confirmation(self):
        run([pupil(n, "6A", SIXIEME) for n in range(1, 11)])
        outcome = run([pupil(n, "6A", SIXIEME) for n in range(1, 9)])
        assert outcome.plan.confirmations == []
        assert counts(outcome.plan) == {"leaving": 2, "unchanged": 8}

    def test_it_keeps_the_export_date_and_an_older_file_needs_a_second_confirmation(self):
        run([pupil(1, "6A", SIXIEME)])
        assert ImportBatch.objects.get().export_date == EXPORT_DATE
        older = EXPORT_DATE - datetime.timedelta(days=5)
        with pytest.raises(ImportRefused) as refused:
            run([pupil(1, "6B", SIXIEME)], export_date=older)
        assert "avant le dernier export importé" in refused.value.messages[0]
        assert Student.objects.get().division.code == "6A"
        run([pupil(1, "6B", SIXIEME)], export_date=older, confirmed=True)
        assert Student.objects.get().division.code == "6B"

    def test_a_newer_file_needs_no_second_confirmation(self):
        run([pupil(1, "6A", SIXIEME)])
        later = EXPORT_DATE + datetime.timedelta(days=5)
        assert run([pupil(1, "6B", SIXIEME)], export_date=later).plan.confirmations == []

    def test_the_command_needs_force_for_a_harmful_file(self, tmp_path):
        run([pupil(n, "6A", SIXIEME) for n in range(1, 11)])
        path = tmp_path / ZIP
        path.write_bytes(content([pupil(1, "6A", SIXIEME)]))
        out = io.StringIO()
        with pytest.raises(CommandError) as refused:
            call_command("import_siecle", str(path), stdout=out)
        assert "À CONFIRMER : 9 des 10 élèves présents" in out.getvalue()
        assert "seconde confirmation" in str(refused.value)
        assert not Student.objects.exclude(exit_date=None).exists()
        call_command("import_siecle", str(path), "--force", stdout=io.StringIO())
        assert Student.objects.exclude(exit_date=None).count() == 9


def test_an_eleves_avec_adresses_zip_is_a_siecle_student_file():
    xml = siecle_xml([pupil(1, "6A", SIXIEME)], uai=NEW_UAI, export_date=EXPORT_DATE)
    services.import_run(
        kind="siecle",
        school=services.FROM_FILE,
        content=zipped(xml, "ElevesAvecAdresses.xml"),
        file_name="ExportXML_ElevesAvecAdresses.zip",
    )
    assert Student.objects.get().division.code == "6A"


class TestStudentListWithoutClass:
    """The student list names the present students without a class (schools:student-list)."""

    @pytest.fixture
    def classless(self, world):
        from appui.schools.tests.factories import StudentFactory

        return StudentFactory(
            division=None, school=world.school, last_name="Sansclasse", mef=CINQUIEME
        )

    def test_the_head_is_told_and_can_list_them(self, world, login, classless):
        from django.urls import reverse

        client = login(world.users["head"])
        body = client.get(reverse("schools:student-list")).content.decode()
        assert 'id="without-class"' in body and 'value="sans-classe"' in body
        listed = client.get(reverse("schools:student-list"), {"division": "sans-classe"})
        body = listed.content.decode()
        assert "SANSCLASSE" in body and "MARTIN Léa" not in body

    def test_a_student_who_left_is_not_counted(self, world, login, classless):
        from django.urls import reverse

        classless.exit_date = datetime.date(2026, 10, 1)
        classless.save()
        body = login(world.users["head"]).get(reverse("schools:student-list")).content.decode()
        assert 'id="without-class"' not in body

    def test_a_teacher_does_not_see_them(self, world, login, classless):
        from django.urls import reverse

        response = login(world.users["teacher"]).get(
            reverse("schools:student-list"), {"division": "sans-classe"}
        )
        assert response.status_code == 200
        assert "SANSCLASSE" not in response.content.decode().upper()
