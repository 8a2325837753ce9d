"""Follow-up downloads in the browser: a group's sessions with attendance (CSV) from the group
sessions page, and the hour accounting (XLSX) from the hours page."""

import io

from openpyxl import load_workbook

from .test_followup import _hold_sessions, _published_group


def test_the_coordinator_downloads_a_register_and_the_hours(demo, app, page):
    from appui.schools.models import Level

    _plan, group, members = _published_group(demo, period_number=1, students=8)
    sessions = _hold_sessions(group, members)
    level = Level.objects.get(year__school=demo.school, short_name="2NDPRO")

    app.login("coordination")
    app.open(f"/suivi/groupes/{group.pk}/seances/")
    app.assert_accessible()
    links = page.locator('.export-links[data-export="group-sessions"]')
    with page.expect_download() as download:
        links.locator('a[data-format="csv"]').click()
    assert download.value.suggested_filename.endswith(".csv")
    content = download.value.path().read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Date;Début;Fin;Niveau;Période;Groupe;Module")
    # Three held sessions of eight students, everyone present.
    assert len(lines) == 1 + 3 * 8
    first = sessions[0].date.strftime("%d/%m/%Y")
    assert all(";Faite;" in line and ";Présent;" in line for line in lines[1:])
    assert sum(line.startswith(first) for line in lines[1:]) == 8

    app.open("/suivi/heures/")
    app.assert_accessible()
    with page.expect_download() as download:
        page.locator('.export-links[data-export="hours"] a[data-format="xlsx"]').click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Niveau", "Dues (h)", "Prévues min. (h)")
    by_level = {row[0]: row for row in rows[1:]}
    assert by_level[level.name][1] == float(level.ap_hours)
    # Eight students have three held sessions, the others none: the page warns, so does the file.
    assert by_level[level.name][4] == 0 and by_level[level.name][5] > 0
    assert by_level[level.name][7] >= 1
