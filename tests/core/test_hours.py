"""Hour accounting: volumes, per-student and per-division minutes, warnings, staff hours."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appui.core.hours import (
    BAC_PRO_1RE,
    BAC_PRO_2NDE,
    BAC_PRO_TLE,
    CAP_1,
    CAP_2,
    OFFICIAL_VOLUMES,
    Attendance,
    ByStrand,
    HourVolume,
    MinuteRange,
    SessionRecord,
    SessionStatus,
    StaffHours,
    Strand,
    WarningCode,
    check_equal_hours,
    check_reachable,
    check_unrecorded,
    custom_volume,
    division_hours,
    format_minutes,
    hours_to_minutes,
    level_report,
    level_summary,
    minutes_to_hours,
    staff_hours,
    student_hours,
    volume_for,
)

P, L, A, E = Attendance.PRESENT, Attendance.LATE, Attendance.ABSENT, Attendance.EXCUSED
HELD, PLANNED, CANCELLED = SessionStatus.HELD, SessionStatus.PLANNED, SessionStatus.CANCELLED
DAY = dt.date(2026, 10, 5)


def session(
    id,
    students,
    *,
    minutes=60,
    status=HELD,
    strand=Strand.PERSONALISED,
    attendance=None,
    staff=("t1",),
    group="g1",
    day=DAY,
):
    return SessionRecord(
        id=id,
        date=day,
        duration_minutes=minutes,
        group=group,
        students=frozenset(students),
        strand=strand,
        status=status,
        attendance=attendance or {},
        staff=frozenset(staff),
    )


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("hours", "minutes"),
    [("101,5", 6090), ("90", 5400), (Decimal("1.25"), 75), (84, 5040), ("91 h", 5460), ("0", 0)],
)
def test_it_reads_volumes_in_hours(hours, minutes):
    assert hours_to_minutes(hours) == minutes


@pytest.mark.parametrize(
    ("hours", "message"),
    [("1,234", "minute entière"), ("-1", "positif"), ("beaucoup", "non reconnu")],
)
def test_it_refuses_volumes_that_are_not_whole_minutes(hours, message):
    with pytest.raises(ValueError, match=message):
        hours_to_minutes(hours)


def test_it_converts_minutes_to_decimal_hours():
    assert minutes_to_hours(90) == Decimal("1.50")
    assert minutes_to_hours(6090) == Decimal("101.50")
    assert minutes_to_hours(55) == Decimal("0.92")


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(6090, "101 h 30"), (120, "2 h"), (45, "45 min"), (-65, "-1 h 05"), (0, "0 h")],
)
def test_it_formats_minutes_in_french(minutes, text):
    assert format_minutes(minutes) == text


# --------------------------------------------------------------------------- volumes


def test_official_volumes_are_those_of_seed_000():
    hours = {level: v.due_hours for level, v in OFFICIAL_VOLUMES.items()}
    assert hours == {
        CAP_1: Decimal("101.50"),
        CAP_2: Decimal("91.00"),
        BAC_PRO_2NDE: Decimal("90.00"),
        BAC_PRO_1RE: Decimal("84.00"),
        BAC_PRO_TLE: Decimal("91.00"),
    }
    cap = OFFICIAL_VOLUMES[CAP_1].due_minutes + OFFICIAL_VOLUMES[CAP_2].due_minutes
    assert cap == hours_to_minutes("192,5")
    bac = sum(OFFICIAL_VOLUMES[k].due_minutes for k in (BAC_PRO_2NDE, BAC_PRO_1RE, BAC_PRO_TLE))
    assert bac == hours_to_minutes(265)


def test_official_volumes_carry_their_legal_reference():
    for volume in OFFICIAL_VOLUMES.values():
        assert volume.official
        assert "Arrêté du 21 novembre 2018" in volume.reference
        assert "BO n°1 du 3 janvier 2019" in volume.reference
    assert "certificat d'aptitude professionnelle" in OFFICIAL_VOLUMES[CAP_1].reference
    assert "baccalauréat professionnel" in OFFICIAL_VOLUMES[BAC_PRO_TLE].reference


def test_level_keys_match_those_read_from_mef_codes():
    from appui.core.io.mef import level_from_mef

    mefs = {
        CAP_1: "24112345210",
        CAP_2: "24112345220",
        BAC_PRO_2NDE: "24712345310",
        BAC_PRO_1RE: "24712345320",
        BAC_PRO_TLE: "24712345330",
    }
    for key, mef in mefs.items():
        level = level_from_mef(mef)
        assert level is not None and level.key == key


def test_a_college_level_takes_the_schools_volume():
    volume = custom_volume("6e", "Sixième", "36")
    assert (volume.due_minutes, volume.official) == (2160, False)
    assert volume.reference == "Volume fixé par l'établissement"
    assert volume_for("6e") is None
    assert volume_for("6e", {"6e": volume}) is volume
    assert volume_for(CAP_1) is OFFICIAL_VOLUMES[CAP_1]


def test_a_strand_split_must_add_up_to_the_volume():
    split = ByStrand(consolidation=1800, personalised=2400, orientation=1200)
    assert HourVolume(BAC_PRO_2NDE, "2nde pro", 5400, split=split).split == split
    with pytest.raises(ValueError, match="ne correspond pas au volume dû"):
        HourVolume(BAC_PRO_2NDE, "2nde pro", 5460, split=split)


def test_a_volume_cannot_be_negative():
    with pytest.raises(ValueError, match="négatif"):
        HourVolume("x", "X", -1)


# --------------------------------------------------------------------------- sessions


def test_a_session_needs_a_positive_duration():
    with pytest.raises(ValueError, match="durée"):
        session(1, ["a"], minutes=0)


def test_attendance_may_only_name_members():
    with pytest.raises(ValueError, match="pas du groupe \\(z\\)"):
        session(1, ["a"], attendance={"z": P})


def test_sessions_take_plain_strings():
    record = SessionRecord(1, DAY, 55, "g", frozenset({"a"}), "orientation", "held", {"a": "late"})
    assert (record.strand, record.status, record.attendance["a"]) == (
        Strand.ORIENTATION,
        HELD,
        L,
    )


# --------------------------------------------------------------------------- per student


def test_it_counts_planned_delivered_attended_and_cancelled_minutes():
    sessions = [
        session(1, ["a", "b"], attendance={"a": P, "b": A}),
        session(2, ["a", "b"], minutes=90, strand=Strand.ORIENTATION, attendance={"a": L, "b": E}),
        session(3, ["a", "b"], status=CANCELLED),
        session(4, ["a"], status=PLANNED, day=DAY + dt.timedelta(days=7)),
        session(5, ["b"], strand=Strand.CONSOLIDATION, attendance={}),  # attendance not taken
    ]
    hours = student_hours(sessions, students=["c"])
    assert list(hours) == ["a", "b", "c"]
    a, b, c = hours["a"], hours["b"], hours["c"]
    assert a.planned == ByStrand(personalised=120, orientation=90)
    assert a.delivered == ByStrand(personalised=60, orientation=90)
    assert a.attended == ByStrand(personalised=60, orientation=90)
    assert a.cancelled == ByStrand(personalised=60)
    assert b.planned == ByStrand(consolidation=60, personalised=60, orientation=90)
    assert b.attended == ByStrand()
    assert b.missed == ByStrand(consolidation=60, personalised=60, orientation=90)
    assert c.planned.total == 0


def test_as_of_limits_delivered_hours_not_planned_ones():
    sessions = [session(1, ["a"]), session(2, ["a"], day=DAY + dt.timedelta(days=7))]
    hours = student_hours(sessions, as_of=DAY)["a"]
    assert (hours.planned.total, hours.delivered.total) == (120, 60)


def test_division_hours_show_ranges_and_attendance():
    sessions = [
        session(1, ["a", "b", "c"], attendance={"a": P, "b": P, "c": A}),
        session(2, ["a", "b"], strand=Strand.ORIENTATION, attendance={"a": P, "b": P}),
    ]
    per_student = student_hours(sessions)
    divisions = division_hours(per_student, {"a": "2MV1", "b": "2MV1", "c": "2MV2"})
    first, second = divisions["2MV1"], divisions["2MV2"]
    assert first.students == ("a", "b")
    assert first.planned == MinuteRange(120, 120)
    assert str(first.planned) == "2 h"
    assert first.planned_by_strand[Strand.ORIENTATION] == MinuteRange(60, 60)
    assert first.attendance_rate == Decimal("1.000")
    assert second.attended == MinuteRange(0, 0)
    assert second.attendance_rate == Decimal("0.000")


def test_students_without_a_division_are_left_out_of_divisions():
    per_student = student_hours([session(1, ["a", "b"])])
    assert list(division_hours(per_student, {"a": "2MV1"})) == ["2MV1"]


# --------------------------------------------------------------------------- warnings


def test_equal_hours_give_no_warning():
    per_student = student_hours([session(1, ["a", "b"]), session(2, ["a", "b"])])
    assert check_equal_hours("2nde pro", per_student) == []


def test_it_warns_when_students_of_a_level_get_different_hours():
    per_student = student_hours(
        [session(1, ["a", "b", "c"]), session(2, ["a"], minutes=30), session(3, ["b"], minutes=30)]
    )
    [warning] = check_equal_hours("2nde pro", per_student)
    assert warning.code is WarningCode.UNEQUAL
    assert warning.students == ("c",)
    assert warning.message == (
        "2nde pro : les élèves n'auront pas tous le même nombre d'heures (de 1 h à 1 h 30) ; "
        "1 élève en dessous de 1 h 30. Tous les élèves d'un même niveau doivent bénéficier du "
        "même nombre d'heures."
    )
    assert check_equal_hours("2nde pro", per_student, tolerance_minutes=30) == []


def test_it_warns_when_the_volume_cannot_be_reached():
    volume = OFFICIAL_VOLUMES[BAC_PRO_2NDE]  # 90 h
    per_student = student_hours(
        [session(1, ["a", "b"], minutes=2400), session(2, ["a"], minutes=60)]
    )
    warnings = check_reachable(volume, per_student, remaining_weeks=10, weekly_slot_minutes=150)
    [warning] = warnings
    assert warning.code is WarningCode.UNREACHABLE
    assert warning.students == ("a", "b")
    # b: 40 h delivered + 10 weeks x 2 h 30 = 65 h, 25 h short of 90 h.
    assert warning.message == (
        "2nde professionnelle : au rythme des barrettes (2 h 30 par semaine, 10 semaines "
        "restantes), le volume dû (90 h) ne sera pas atteint pour 2 élèves : au mieux 65 h, "
        "il manquera 25 h."
    )
    assert check_reachable(volume, per_student, remaining_weeks=20, weekly_slot_minutes=150) == []


def test_it_warns_when_planned_hours_exceed_the_volume():
    volume = custom_volume("6e", "Sixième", 1)
    per_student = student_hours([session(1, ["a"], minutes=90), session(2, ["b"])])
    [warning] = check_reachable(volume, per_student, remaining_weeks=0, weekly_slot_minutes=0)
    assert warning.code is WarningCode.ABOVE_DUE
    assert warning.students == ("a",)
    assert "jusqu'à 1 h 30 pour 1 h" in warning.message


def test_it_warns_about_past_sessions_left_unrecorded():
    sessions = [
        session(1, ["a"], status=PLANNED, day=DAY - dt.timedelta(days=7)),
        session(2, ["a"], status=PLANNED, day=DAY),
        session(3, ["a"], status=HELD, day=DAY - dt.timedelta(days=7)),
    ]
    [warning] = check_unrecorded(sessions, as_of=DAY)
    assert warning.code is WarningCode.UNRECORDED
    assert warning.sessions == (1,)


def test_level_report_brings_everything_together():
    volume = OFFICIAL_VOLUMES[BAC_PRO_TLE]
    sessions = [
        session(1, ["a", "b", "left"], minutes=600, attendance={"a": P, "b": P}),
        session(2, ["a", "b"], minutes=600, status=PLANNED, day=DAY + dt.timedelta(days=7)),
    ]
    report = level_report(
        volume,
        sessions,
        students=["a", "b"],
        divisions={"a": "TMV1", "b": "TMV2", "left": "TMV2"},
        as_of=DAY,
        remaining_weeks=20,
        weekly_slot_minutes=120,
    )
    # "left" has fewer hours but is no longer on the roll: no unequal-hours warning.
    assert [w.code for w in report.warnings] == [WarningCode.UNREACHABLE]
    assert report.planned == MinuteRange(1200, 1200)
    assert report.delivered == MinuteRange(600, 600)
    assert report.remaining_minutes == 5460 - 1200
    assert report.divisions["TMV2"].students == ("b", "left")
    assert set(report.students) == {"a", "b", "left"}


# --------------------------------------------------------------------------- staff


def test_co_animation_counts_the_full_session_for_each_teacher():
    sessions = [
        session(1, ["a"], minutes=120, staff=("t1", "t2"), group="g1"),
        session(2, ["a"], minutes=60, staff=("t1",), group="g2", status=PLANNED),
        session(3, ["a"], minutes=60, staff=("t2",), group="g3", status=CANCELLED),
    ]
    hours = staff_hours(sessions)
    assert list(hours) == ["t1", "t2"]
    assert hours["t1"].planned.total == 180
    assert hours["t1"].delivered.total == 120
    assert hours["t1"].groups == ("g1", "g2")
    assert hours["t1"].sessions_delivered == 1
    assert hours["t2"].planned.total == 120
    assert hours["t2"].cancelled.total == 60


def test_weekly_service_hours_spread_the_year_over_36_weeks():
    assert StaffHours("t1", planned=ByStrand(personalised=72 * 60)).weekly_hours() == Decimal(
        "2.00"
    )
    assert StaffHours("t1", planned=ByStrand(personalised=100)).weekly_hours(weeks=4) == Decimal(
        "0.42"
    )
    with pytest.raises(ValueError):
        StaffHours("t1").weekly_hours(weeks=0)


# --------------------------------------------------------------------------- properties

STUDENTS = ["a", "b", "c", "d"]


# Strategies are built once: building them inside a composite for every draw cost more than
# the hour accounting under test.
MEMBERS = st.frozensets(st.sampled_from(STUDENTS), max_size=4)
MARKS = st.dictionaries(st.sampled_from(STUDENTS), st.sampled_from(Attendance), max_size=4)
RECORD = st.tuples(
    MEMBERS,
    MARKS,
    st.sampled_from(SessionStatus),
    st.integers(-30, 30),
    st.sampled_from([30, 55, 60, 90, 120]),
    st.sampled_from(["g1", "g2"]),
    st.sampled_from(Strand),
    st.frozensets(st.sampled_from(["t1", "t2", "t3"]), max_size=2),
)


def _records(rows):
    return [
        SessionRecord(
            id=index,
            date=DAY + dt.timedelta(days=offset),
            duration_minutes=minutes,
            group=group,
            students=members,
            strand=strand,
            status=status,
            # Attendance may only name members: marks for others are dropped.
            attendance={student: mark for student, mark in marks.items() if student in members},
            staff=staff,
        )
        for index, (members, marks, status, offset, minutes, group, strand, staff) in enumerate(
            rows
        )
    ]


SESSIONS = st.lists(RECORD, max_size=8).map(_records)


AS_OF = st.one_of(st.none(), st.just(DAY))


@given(SESSIONS, AS_OF)
def test_hours_add_up(sessions, as_of):
    per_student = student_hours(sessions, students=STUDENTS, as_of=as_of)
    for hours in per_student.values():
        for strand in Strand:
            assert hours.delivered.get(strand) == hours.attended.get(strand) + hours.missed.get(
                strand
            )
            assert 0 <= hours.attended.get(strand) <= hours.delivered.get(strand)
            assert hours.delivered.get(strand) <= hours.planned.get(strand)
    live = [s for s in sessions if s.status is not CANCELLED]
    assert sum(h.planned.total for h in per_student.values()) == sum(
        s.duration_minutes * len(s.students) for s in live
    )
    assert sum(h.cancelled.total for h in per_student.values()) == sum(
        s.duration_minutes * len(s.students) for s in sessions if s.status is CANCELLED
    )
    staff = staff_hours(sessions, as_of=as_of)
    assert sum(h.planned.total for h in staff.values()) == sum(
        s.duration_minutes * len(s.staff) for s in live
    )


@given(SESSIONS, AS_OF, st.randoms(use_true_random=False))
def test_the_order_of_sessions_does_not_matter(sessions, as_of, rng: random.Random):
    expected = (
        student_hours(sessions, as_of=as_of),
        staff_hours(sessions, as_of=as_of),
        level_report(
            OFFICIAL_VOLUMES[CAP_1],
            sessions,
            as_of=as_of,
            remaining_weeks=5,
            weekly_slot_minutes=60,
        ),
    )
    rng.shuffle(sessions)
    assert (
        student_hours(sessions, as_of=as_of),
        staff_hours(sessions, as_of=as_of),
        level_report(
            OFFICIAL_VOLUMES[CAP_1],
            sessions,
            as_of=as_of,
            remaining_weeks=5,
            weekly_slot_minutes=60,
        ),
    ) == expected


@given(SESSIONS, st.dictionaries(st.sampled_from(STUDENTS), st.sampled_from(["D1", "D2"])))
def test_unequal_warning_iff_planned_hours_differ_and_ranges_bound_students(sessions, divisions):
    per_student = student_hours(sessions, students=STUDENTS)
    totals = {h.planned.total for h in per_student.values()}
    warnings = check_equal_hours("Niveau", per_student)
    assert bool(warnings) == (len(totals) > 1)
    for division in division_hours(per_student, divisions).values():
        for student in division.students:
            assert (
                division.planned.low <= per_student[student].planned.total <= division.planned.high
            )


@given(SESSIONS, st.integers(0, 40), st.integers(0, 300))
def test_more_remaining_time_never_adds_an_unreachable_warning(sessions, weeks, minutes):
    per_student = student_hours(sessions, students=STUDENTS)
    volume = OFFICIAL_VOLUMES[BAC_PRO_1RE]

    def unreachable(w, m):
        return {
            s
            for warning in check_reachable(
                volume, per_student, remaining_weeks=w, weekly_slot_minutes=m
            )
            if warning.code is WarningCode.UNREACHABLE
            for s in warning.students
        }

    assert unreachable(weeks + 1, minutes) <= unreachable(weeks, minutes)
    assert unreachable(weeks, minutes + 30) <= unreachable(weeks, minutes)


@given(
    SESSIONS,
    AS_OF,
    st.lists(st.sampled_from(STUDENTS), max_size=4),
    st.one_of(st.none(), st.tuples(st.integers(0, 40), st.integers(0, 300))),
    st.integers(0, 60),
)
def test_the_level_summary_equals_the_detailed_report(
    sessions, as_of, students, reachability, tolerance
):
    weeks, weekly = reachability or (None, None)
    arguments = {
        "students": students,
        "as_of": as_of,
        "remaining_weeks": weeks,
        "weekly_slot_minutes": weekly,
        "tolerance_minutes": tolerance,
    }
    volume = HourVolume("x", "Niveau", 180)
    report = level_report(volume, sessions, **arguments)
    summary = level_summary(volume, sessions, **arguments)
    assert summary.planned == report.planned
    assert summary.delivered == report.delivered
    assert summary.planned_by_strand == report.planned_by_strand
    assert summary.delivered_by_strand == report.delivered_by_strand
    assert summary.warnings == report.warnings
    assert summary.remaining_minutes == report.remaining_minutes


def test_the_level_summary_counts_per_strand_over_the_checked_students():
    sessions = [
        SessionRecord(1, DAY, 60, "g1", frozenset({"a", "b"}), Strand.ORIENTATION, HELD),
        SessionRecord(2, DAY, 30, "g2", frozenset({"a", "z"}), Strand.CONSOLIDATION, HELD),
        SessionRecord(3, DAY, 90, "g2", frozenset({"a", "z"}), Strand.CONSOLIDATION, CANCELLED),
    ]
    summary = level_summary(HourVolume("x", "Niveau", 120), sessions, students=["a", "b"])
    assert summary.planned == MinuteRange(60, 90)
    assert summary.planned_by_strand[Strand.CONSOLIDATION] == MinuteRange(0, 30)
    assert summary.delivered_by_strand[Strand.ORIENTATION] == MinuteRange(60, 60)
    assert summary.remaining_minutes == 60
    assert [w.code for w in summary.warnings] == [WarningCode.UNEQUAL]
