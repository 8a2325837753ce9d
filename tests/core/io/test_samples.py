from appui.core.io.samples import fictitious_school
from appui.core.io.siecle import parse_siecle
from appui.core.io.sts import parse_sts


def test_a_fictitious_school_is_the_same_for_the_same_seed():
    assert fictitious_school(100, seed=7).students == fictitious_school(100, seed=7).students
    assert fictitious_school(100, seed=7).students != fictitious_school(100, seed=8).students


def test_a_fictitious_school_reads_back_with_its_left_and_inactive_students():
    school = fictitious_school(600, seed=1)
    export = parse_siecle(school.siecle_zip(), "ExportXML_ElevesSansAdresses.zip")
    assert not export.has_errors
    assert len(export.students) == len(school.students)
    left = [s for s in school.students if s.exit_date]
    inactive = [s for s in school.students if s.division == "Inactifs" and not s.exit_date]
    assert len(export.left_students) == len(left) > 0
    assert len(export.warnings) == len(inactive) > 0
    assert all(student.level is not None for student in export.students)
    sts = parse_sts(school.sts(), school.sts_file_name)
    assert set(export.divisions) <= {division.code for division in sts.divisions}
    assert set(export.groups) <= {group.code for group in sts.groups}
