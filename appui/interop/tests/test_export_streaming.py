"""A 10,000-row export streams: the file is sent in chunks while the rows are still being read.

The rows are a need group's register: 1,000 sessions × 10 students, built with bulk_create
so that the test stays within a few seconds. Timings are measured by
``bench/export_stream.py``, never asserted here.
"""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appui.followup.models import Attendance, Session
from appui.planning.models import Assignment, Group, Plan
from appui.schools.models import Student

pytestmark = pytest.mark.django_db

SESSIONS = 1_000
STUDENTS = 10


@pytest.fixture
def big_group(world, planning):
    plan = Plan.objects.create(
        level=world.level,
        period=planning["period"],
        status=Plan.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    slot = planning["slots"][0]
    group = Group.objects.create(
        plan=plan, slot=slot, module=planning["modules"][0], room=planning["rooms"][0]
    )
    group.staff.set([planning["teacher"]])
    students = Student.objects.bulk_create(
        Student(
            school=world.school,
            division=world.division,
            siecle_id=f"9{number:05d}",
            last_name=f"Élève{number:02d}",
            first_name="Camille",
            search_text=f"eleve{number:02d} camille",
        )
        for number in range(STUDENTS)
    )
    Assignment.objects.bulk_create(Assignment(group=group, student=s) for s in students)
    first = datetime.date(2020, 1, 1)
    sessions = Session.objects.bulk_create(
        Session(
            group=group,
            date=first + datetime.timedelta(days=number),
            start_time=slot.start_time,
            end_time=slot.end_time,
            status=Session.Status.DONE,
        )
        for number in range(SESSIONS)
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, student=student, status="present")
        for session in sessions[: SESSIONS // 2]
        for student in students
    )
    return group


def test_a_10000_row_export_streams_in_chunks(world, login, big_group):
    client = login(world.users["teacher"])
    response = client.get(
        reverse("interop:group-sessions-export", args=[big_group.pk]), {"format": "csv"}
    )
    assert isinstance(response, StreamingHttpResponse)
    assert not response.has_header("Content-Length")
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        bom = next(chunks)
        first = next(chunks)
        read_before_first_chunk = len(queries)
        rest = list(chunks)
        read_in_all = len(queries)
    assert bom == b"\xef\xbb\xbf"
    # The first chunk holds the header and the first rows only, not the whole file…
    assert first.startswith("Date;Début;Fin;".encode())
    assert first.count(b"\r\n") < (1 + STUDENTS * SESSIONS) // 4
    # …and it was sent before the later sessions' attendance was even read.
    assert read_in_all > read_before_first_chunk
    assert len(rest) >= 10
    assert max(len(chunk) for chunk in [first, *rest]) < 80 * 1024
    content = b"".join([bom, first, *rest]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))
    assert len(rows) == 1 + 10_000
    assert content.count("\r\n") == 10_001
    assert sum(row[18] == "Présent" for row in rows[1:]) == 5_000
