"""pk_url_maker: the address of each row, as reverse() gives it, for the cost of one."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from appui.schools.links import pk_url_maker


@pytest.mark.parametrize("name", ["schools:student-detail", "schools:division-detail"])
def test_it_gives_what_reverse_gives_for_any_key(name):
    href = pk_url_maker(name)
    for pk in (1, 9, 10, 255, 2_147_483_646, 2_147_483_647):
        assert href(pk) == reverse(name, args=[pk])


def test_it_keeps_the_script_prefix_of_the_request():
    set_script_prefix("/appui/")
    try:
        assert pk_url_maker("schools:student-detail")(12) == "/appui/eleves/12/"
    finally:
        set_script_prefix("/")


def test_a_key_that_is_not_an_integer_is_refused():
    href = pk_url_maker("schools:student-detail")
    with pytest.raises(ValueError):
        href("12/../../admin")


def test_a_view_without_a_key_is_refused():
    with pytest.raises(NoReverseMatch):
        pk_url_maker("schools:school-detail")
