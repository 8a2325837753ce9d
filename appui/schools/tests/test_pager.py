"""The one pagination block of every paged list (``{% pager page %}``)."""

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory


def render(path: str, number: int, anchor: str = "") -> str:
    request = RequestFactory().get(path)
    page = Paginator(list(range(25)), 10).get_page(number)
    tag = f'{{% pager page "{anchor}" %}}' if anchor else "{% pager page %}"
    template = Template("{% load appui_tags %}" + tag)
    return template.render(Context({"request": request, "page": page}))


def test_the_links_keep_the_other_parameters_and_replace_the_page():
    html = render("/eleves/?q=mar&niveau=3&page=2", 2)
    assert 'href="?q=mar&amp;niveau=3&amp;page=1" rel="prev"' in html
    assert 'href="?q=mar&amp;niveau=3&amp;page=3" rel="next"' in html
    assert "2" in html and "3" in html  # page 2 of 3


def test_first_and_last_pages_have_one_link_and_the_anchor_is_kept():
    first = render("/suivi/heures/niveaux/1/", 1, "students-title")
    assert 'rel="prev"' not in first
    assert 'href="?page=2#students-title" rel="next"' in first
    last = render("/suivi/heures/niveaux/1/?page=3", 3)
    assert 'href="?page=2" rel="prev"' in last and 'rel="next"' not in last


def test_nothing_when_everything_fits_on_one_page():
    request = RequestFactory().get("/")
    page = Paginator([1, 2], 10).get_page(1)
    html = Template("{% load appui_tags %}{% pager page %}").render(
        Context({"request": request, "page": page})
    )
    assert html.strip() == ""
