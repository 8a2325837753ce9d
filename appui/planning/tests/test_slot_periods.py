"""Which periods each slot runs in, and periods holding planning work (the year's settings,
issue 15, item 5; the pages are in appui/schools/views_settings.py and views_slot_periods.py)."""

import datetime

import pytest
from django.urls import reverse

from appui.planning import services as planning_services
from appui.planning.models import Plan
from appui.schools import services
from appui.schools.models import Period

pytestmark = pytest.mark.django_db


def _period(year, number, start, end):
    return Period.objects.create(
        year=year, number=number, name=f"Période {number}", start_date=start, end_date=end
    )


class TestPeriodDeletion:
    def test_an_empty_period_can_be_deleted_but_not_one_holding_work(self, world, planning):
        second = planning["period"]  # period 1 of world.year, with slots
        first = _period(world.year, 2, datetime.date(2026, 11, 2), datetime.date(2026, 12, 18))
        Plan.objects.create(level=world.level, period=second)
        rows = [
            services.PeriodRow(p.pk, p.number, p.name, p.start_date, p.end_date, delete=True)
            for p in world.year.periods.filter(pk=second.pk)
        ]
        with pytest.raises(services.ValidationError):
            services.periods_save(
                year=world.year,
                version=services.periods_version(world.year),
                user=world.users["head"],
                rows=rows,
            )
        assert Period.objects.filter(pk=second.pk).exists()
        services.periods_save(
            year=world.year,
            version=services.periods_version(world.year),
            user=world.users["head"],
            rows=[
                services.PeriodRow(
                    first.pk, 2, first.name, first.start_date, first.end_date, delete=True
                )
            ],
        )
        assert not Period.objects.filter(pk=first.pk).exists()


class TestSlotPeriods:
    def test_the_head_sets_which_periods_each_slot_runs_in(self, world, login, planning):
        period_1 = planning["period"]
        period_2 = _period(world.year, 2, datetime.date(2026, 11, 2), datetime.date(2026, 12, 18))
        first, second = planning["slots"]
        response = login(world.users["head"]).post(
            reverse("planning:slot-periods"),
            {
                "version": planning_services.slot_periods_version(world.year),
                f"slot-{first.pk}": [str(period_1.pk), str(period_2.pk)],
                f"slot-{second.pk}": [str(period_2.pk)],
            },
        )
        assert response.status_code == 302
        assert set(first.periods.all()) == {period_1, period_2}
        assert set(second.periods.all()) == {period_2}

    def test_a_stale_matrix_changes_nothing(self, world, login, planning):
        first, second = planning["slots"]
        opened = planning_services.slot_periods_version(world.year)
        second.periods.clear()
        login(world.users["head"]).post(
            reverse("planning:slot-periods"), {"version": opened, f"slot-{first.pk}": []}
        )
        assert first.periods.count() == 1

    def test_the_settings_page_links_to_the_matrix(self, world, login):
        body = login(world.users["head"]).get(reverse("schools:settings-home")).content.decode()
        assert reverse("planning:slot-periods") in body
