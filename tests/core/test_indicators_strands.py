"""Hours per strand on the dashboard rows (seed 000, « Les trois volets »)."""

import datetime as dt

from appui.core.hours import ByStrand, SessionRecord, SessionStatus, Strand
from appui.core.indicators import StudentPlace, hours_by_unit

OCT, NOV = dt.date(2026, 10, 5), dt.date(2026, 11, 16)


def session(id, students, strand, *, day=OCT, minutes=60, status=SessionStatus.HELD):
    return SessionRecord(
        id=id,
        date=day,
        duration_minutes=minutes,
        group="g",
        students=frozenset(students),
        strand=strand,
        status=status,
    )


def test_planned_and_delivered_are_split_by_strand():
    sessions = [
        session("a", ["s1", "s2"], Strand.CONSOLIDATION, minutes=90),
        session("b", ["s1"], Strand.ORIENTATION, day=NOV),
        session("c", ["s2"], Strand.ORIENTATION, status=SessionStatus.CANCELLED),
        session("d", ["s2"], Strand.PERSONALISED, minutes=30),
    ]
    places = [StudentPlace("s1", "L", "D1"), StudentPlace("s2", "L", "D2")]
    (level,), (d1, d2) = hours_by_unit(sessions=sessions, places=places, due={"L": 300}, as_of=OCT)
    # s1: consolidation 90 held, orientation 60 to come; s2: consolidation 90, personalised 30.
    assert level.planned_by_strand == ByStrand(90, 15, 30)
    assert level.delivered_by_strand == ByStrand(90, 15, 0)
    assert (level.planned, level.delivered) == (135, 105)
    assert d1.planned_by_strand == ByStrand(90, 0, 60)
    assert d1.delivered_by_strand == ByStrand(90, 0, 0)
    assert d2.planned_by_strand == ByStrand(90, 30, 0)
