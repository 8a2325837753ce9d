"""The year's settings for the head (issue 15, item 5): levels, levels « à préciser »,
periods, holiday zone, slot periods."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from appui.schools import services
from appui.schools.models import Level, MefMapping, Period, School
from appui.schools.tests import factories as f

pytestmark = pytest.mark.django_db

SETTINGS_PAGES = [
    ("schools:settings-home", ()),
    ("schools:settings-levels", ()),
    ("schools:settings-periods", ()),
    ("planning:slot-periods", ()),
]


def _period(year, number, start, end, name=None):
    return Period.objects.create(
        year=year, number=number, name=name or f"Période {number}", start_date=start, end_date=end
    )


@pytest.fixture
def periods(world):
    return [
        _period(world.year, 1, datetime.date(2026, 9, 1), datetime.date(2026, 10, 16)),
        _period(world.year, 2, datetime.date(2026, 11, 2), datetime.date(2026, 12, 18)),
    ]


def _period_post(periods_rows, version, extra=None):
    """The periods formset as the page posts it; ``periods_rows``: (pk, number, name, start,
    end, delete) tuples, plus one empty row to add a period."""
    data = {
        "version": version,
        "periodes-TOTAL_FORMS": str(len(periods_rows) + 1),
        "periodes-INITIAL_FORMS": str(sum(1 for row in periods_rows if row[0])),
        "periodes-MIN_NUM_FORMS": "0",
        "periodes-MAX_NUM_FORMS": "1000",
    }
    for i, (pk, number, name, start, end, delete) in enumerate(periods_rows):
        data[f"periodes-{i}-pk"] = str(pk or "")
        data[f"periodes-{i}-number"] = str(number)
        data[f"periodes-{i}-name"] = name
        data[f"periodes-{i}-start_date"] = start.isoformat()
        data[f"periodes-{i}-end_date"] = end.isoformat()
        if delete:
            data[f"periodes-{i}-delete"] = "on"
    data.update(extra or {})
    return data


class TestAccess:
    @pytest.mark.parametrize("name, args", SETTINGS_PAGES)
    def test_anonymous_users_are_redirected_to_login(self, client, world, name, args):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("name, args", SETTINGS_PAGES)
    @pytest.mark.parametrize("username", ["teacher", "student", "guardian", "academy"])
    def test_other_roles_are_refused(self, world, login, name, args, username):
        response = login(world.users[username]).get(reverse(name, args=args))
        assert response.status_code == 403

    @pytest.mark.parametrize("name, args", SETTINGS_PAGES)
    def test_coordinators_may_read(self, world, login, name, args):
        response = login(world.users["coordinator"]).get(reverse(name, args=args))
        assert response.status_code == 200

    def test_a_coordinator_cannot_save(self, world, login):
        level = world.level
        response = login(world.users["coordinator"]).post(
            reverse("schools:settings-level", args=[level.pk]),
            {"version": services.row_version(level), "ap_hours": "12", "has_ap": "on"},
        )
        assert response.status_code == 403
        level.refresh_from_db()
        assert level.ap_hours == Decimal("90")

    def test_a_coordinator_cannot_change_the_zone(self, world, login):
        response = login(world.users["coordinator"]).post(
            reverse("schools:settings-home"), {"zone": "C", "version": ""}
        )
        assert response.status_code == 403

    def test_an_outsider_gets_404_for_a_level_of_another_school(self, world, login):
        response = login(world.users["outsider"]).get(
            reverse("schools:settings-level", args=[world.level.pk])
        )
        assert response.status_code == 404

    def test_the_head_finds_the_settings_from_the_home_page_and_the_menu(self, world, login):
        body = login(world.users["head"]).get(reverse("home")).content.decode()
        assert body.count(reverse("schools:settings-home")) == 2
        assert "Paramètres de l'année" in body

    def test_a_coordinator_has_no_menu_entry(self, world, login):
        body = login(world.users["coordinator"]).get(reverse("home")).content.decode()
        assert reverse("schools:settings-home") not in body


class TestLevels:
    def test_the_list_offers_the_national_volumes(self, world, login):
        world.other_level.track = Level.Track.CAP
        world.other_level.year_in_cycle = 1
        world.other_level.mef_mask = "241.....21."
        world.other_level.save()
        f.LevelFactory(year=world.year, track=Level.Track.COLLEGE, name="6e", short_name="6E")
        body = login(world.users["head"]).get(reverse("schools:settings-levels")).content.decode()
        assert "101,5 h" in body  # CAP 1re année
        assert "90 h" in body  # Bac Pro 2nde
        assert "fixé par l&#x27;établissement" in body or "fixé par l'établissement" in body

    @pytest.mark.parametrize(
        "track, year_in_cycle, mask, expected",
        [
            (Level.Track.CAP, 1, "241.....21.", "101.5"),
            (Level.Track.CAP, 2, "241.....22.", "91"),
            (Level.Track.BACPRO, 1, "247.....31.", "90"),
            (Level.Track.BACPRO, 2, "247.....32.", "84"),
            (Level.Track.BACPRO, 3, "247.....33.", "91"),
            (Level.Track.CAP, 1, "240.....11.", None),
            (Level.Track.COLLEGE, 1, "10110001110", None),
            (Level.Track.GT, 1, "20010010110", None),
        ],
    )
    def test_the_national_volume_of_each_level(self, track, year_in_cycle, mask, expected):
        level = Level(track=track, year_in_cycle=year_in_cycle, mef_mask=mask)
        official = services.official_hours(level)
        if expected is None:
            assert official is None
        else:
            assert official is not None and str(official[0]) == expected
            assert "Arrêté du 21 novembre 2018" in official[1]

    def test_the_head_saves_a_level_and_it_is_audited(self, world, login):
        level = world.level
        response = login(world.users["head"]).post(
            reverse("schools:settings-level", args=[level.pk]),
            {
                "version": services.row_version(level),
                "has_ap": "on",
                "ap_hours": "72,5",
                "hours_reference": "Choix du conseil pédagogique",
                "separate_schemes": "",
            },
        )
        assert response.status_code == 302
        level.refresh_from_db()
        assert level.ap_hours == Decimal("72.5")
        assert level.hours_reference == "Choix du conseil pédagogique"
        assert level.separate_schemes is False
        assert level.updated_by == world.users["head"]

    def test_the_head_applies_the_national_volume(self, world, login):
        level = world.level  # Bac Pro 2nde, 90 h by default
        level.ap_hours = Decimal("12")
        level.save()
        login(world.users["head"]).post(
            reverse("schools:settings-level", args=[level.pk]),
            {
                "version": services.row_version(level),
                "has_ap": "on",
                "ap_hours": "12",
                "separate_schemes": "on",
                "official": "1",
            },
        )
        level.refresh_from_db()
        assert level.ap_hours == Decimal("90")
        assert "baccalauréat professionnel" in level.hours_reference

    def test_a_stale_save_changes_nothing_and_says_so(self, world, login):
        level = world.level
        opened = services.row_version(level)
        services.level_settings_save(
            level=level,
            version=opened,
            user=world.users["coordinator"],
            ap_hours=Decimal("80"),
            hours_reference="",
            has_ap=True,
            separate_schemes=True,
        )
        response = login(world.users["head"]).post(
            reverse("schools:settings-level", args=[level.pk]),
            {"version": opened, "has_ap": "on", "ap_hours": "50", "separate_schemes": "on"},
            follow=True,
        )
        level.refresh_from_db()
        assert level.ap_hours == Decimal("80")
        assert "rien n'a été modifié" in html.unescape(response.content.decode())

    def test_no_ap_sets_the_hours_to_zero(self, world):
        level = services.level_settings_save(
            level=world.level,
            version=services.row_version(world.level),
            user=world.users["head"],
            ap_hours=Decimal("90"),
            hours_reference="",
            has_ap=False,
            separate_schemes=True,
        )
        assert (level.has_ap, level.ap_hours) == (False, Decimal("0"))


class TestLevelToSpecify:
    @pytest.fixture
    def unknown(self, world):
        return f.LevelFactory(
            year=world.year,
            track=Level.Track.OTHER,
            name="BTS Management commercial opérationnel 1re année",
            short_name="BTS MCO1",
            mef_mask="32031210211",
            ap_hours=Decimal("0"),
            to_specify=True,
        )

    def test_the_page_asks_what_the_level_is(self, world, login, unknown):
        body = (
            login(world.users["head"])
            .get(reverse("schools:settings-level", args=[unknown.pk]))
            .content.decode()
        )
        assert "32031210211" in body
        assert 'name="track"' in body and 'name="year_in_cycle"' in body
        home = login(world.users["head"]).get(reverse("schools:settings-home")).content.decode()
        assert reverse("schools:settings-level", args=[unknown.pk]) in home

    def test_mapping_creates_the_mef_mapping_and_clears_the_flag(self, world, login, unknown):
        response = login(world.users["head"]).post(
            reverse("schools:settings-level", args=[unknown.pk]),
            {
                "version": services.row_version(unknown),
                "name": "BTS MCO 1re année",
                "short_name": "BTS1",
                "track": Level.Track.POST_BAC,
                "year_in_cycle": "1",
                "ap_hours": "",
            },
        )
        assert response.status_code == 302
        unknown.refresh_from_db()
        assert unknown.to_specify is False
        assert (unknown.track, unknown.has_ap, unknown.short_name) == ("postbac", False, "BTS1")
        assert unknown.updated_by == world.users["head"]
        mapping = MefMapping.objects.get(school=world.school, mef="32031210211")
        assert (mapping.track, mapping.year_in_cycle, mapping.has_ap) == ("postbac", 1, False)
        assert mapping.label == "BTS MCO 1re année"
        assert mapping.updated_by == world.users["head"]

    def test_mapping_with_ap_keeps_the_hours(self, world, unknown):
        mapping = services.level_map_mef(
            level=unknown,
            version=services.row_version(unknown),
            user=world.users["head"],
            track=Level.Track.MC,
            year_in_cycle=1,
            name="MC Cuisinier en desserts de restaurant",
            short_name="MC CDR",
            has_ap=True,
            ap_hours=Decimal("36"),
        )
        assert (mapping.has_ap, mapping.ap_hours) == (True, Decimal("36"))

    def test_ap_without_hours_is_refused(self, world, login, unknown):
        response = login(world.users["head"]).post(
            reverse("schools:settings-level", args=[unknown.pk]),
            {
                "version": services.row_version(unknown),
                "name": "BTS",
                "short_name": "BTS1",
                "track": Level.Track.POST_BAC,
                "year_in_cycle": "1",
                "has_ap": "on",
                "ap_hours": "",
            },
        )
        assert response.status_code == 200
        assert not MefMapping.objects.exists()


class TestPeriods:
    def test_the_head_changes_dates_adds_a_period_and_it_is_audited(self, world, login, periods):
        first, second = periods
        rows = [
            (first.pk, 1, "Période 1", datetime.date(2026, 9, 2), datetime.date(2026, 10, 16), 0),
            (second.pk, 2, "Période 2", second.start_date, second.end_date, 0),
            (None, 3, "Période 3", datetime.date(2027, 1, 4), datetime.date(2027, 2, 5), 0),
        ]
        response = login(world.users["head"]).post(
            reverse("schools:settings-periods"),
            _period_post(rows, services.periods_version(world.year)),
        )
        assert response.status_code == 302
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.start_date == datetime.date(2026, 9, 2)
        assert first.updated_by == world.users["head"]
        assert second.updated_by is None  # unchanged: not touched
        assert world.year.periods.count() == 3

    def test_overlapping_periods_are_refused_and_nothing_changes(self, world, login, periods):
        first, second = periods
        rows = [
            (first.pk, 1, "Période 1", first.start_date, datetime.date(2026, 11, 10), 0),
            (second.pk, 2, "Période 2", second.start_date, second.end_date, 0),
        ]
        response = login(world.users["head"]).post(
            reverse("schools:settings-periods"),
            _period_post(rows, services.periods_version(world.year)),
        )
        assert response.status_code == 200
        assert "chevauche" in html.unescape(response.content.decode())
        first.refresh_from_db()
        assert first.end_date == datetime.date(2026, 10, 16)

    def test_periods_out_of_date_order_are_refused(self, world, login, periods):
        first, second = periods
        rows = [
            (first.pk, 2, "Période 1", first.start_date, first.end_date, 0),
            (second.pk, 1, "Période 2", second.start_date, second.end_date, 0),
        ]
        response = login(world.users["head"]).post(
            reverse("schools:settings-periods"),
            _period_post(rows, services.periods_version(world.year)),
        )
        assert "Période 1 : " in html.unescape(response.content.decode())
        first.refresh_from_db()
        assert first.number == 1

    def test_a_period_outside_the_year_is_refused(self, world, periods):
        first, second = periods
        rows = [
            services.PeriodRow(first.pk, 1, "P1", datetime.date(2026, 8, 1), first.end_date),
            services.PeriodRow(second.pk, 2, "P2", second.start_date, second.end_date),
        ]
        with pytest.raises(services.ValidationError):
            services.periods_save(
                year=world.year,
                version=services.periods_version(world.year),
                user=world.users["head"],
                rows=rows,
            )

    def test_a_stale_periods_form_changes_nothing(self, world, login, periods):
        first, second = periods
        opened = services.periods_version(world.year)
        _period(world.year, 3, datetime.date(2027, 1, 4), datetime.date(2027, 2, 5))
        rows = [
            (first.pk, 1, "Renommée", first.start_date, first.end_date, 0),
            (second.pk, 2, "Période 2", second.start_date, second.end_date, 0),
        ]
        response = login(world.users["head"]).post(
            reverse("schools:settings-periods"), _period_post(rows, opened), follow=True
        )
        first.refresh_from_db()
        assert first.name == "Période 1"
        assert "rien n'a été modifié" in html.unescape(response.content.decode())

    def test_periods_are_derived_from_the_zone_holidays(self, world, login, periods):
        world.school.holiday_zone = School.Zone.A
        world.school.save()
        login(world.users["head"]).post(
            reverse("schools:settings-periods"),
            _period_post([], services.periods_version(world.year), {"calendar": "1"}),
        )
        derived = list(world.year.periods.order_by("number"))
        assert len(derived) == 5
        # Zone A, 2026-2027: Toussaint holidays start on Saturday 17 October 2026.
        assert derived[0].end_date == datetime.date(2026, 10, 16)
        assert derived[0].pk == periods[0].pk
        # Period 2 already had the calendar's dates: left untouched; 3 to 5 are new.
        assert derived[1].updated_by is None
        assert all(p.updated_by == world.users["head"] for p in derived[2:])


class TestHolidayZone:
    def test_the_head_changes_the_zone_and_it_is_audited(self, world, login):
        school = world.school
        response = login(world.users["head"]).post(
            reverse("schools:settings-home"),
            {"zone": "C", "version": services.row_version(school)},
        )
        assert response.status_code == 302
        school.refresh_from_db()
        assert (school.holiday_zone, school.updated_by) == ("C", world.users["head"])

    def test_a_stale_zone_changes_nothing(self, world, login):
        school = world.school
        opened = services.row_version(school)
        services.school_set_holiday_zone(
            school=school, version=opened, user=world.users["head"], zone="A"
        )
        login(world.users["head"]).post(
            reverse("schools:settings-home"), {"zone": "C", "version": opened}
        )
        school.refresh_from_db()
        assert school.holiday_zone == "A"
