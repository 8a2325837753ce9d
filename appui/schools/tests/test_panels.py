"""The panel registry: higher apps' partials on the school pages, in order, with context."""

import pytest
from django.template import Context, Template, engines
from django.template.loader import get_template

from appui.schools import panels


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(panels, "_panels", {place: [] for place in panels.PLACES})


def test_every_registered_panel_names_a_template_that_exists():
    registered = [p for place in sorted(panels.PLACES) for p in panels.panels_for(place)]
    assert {p.place for p in registered} == panels.PLACES
    for panel in registered:
        get_template(panel.template_name)


def test_the_apps_register_their_partials_in_page_order():
    names = [p.template_name for p in panels.panels_for("student_detail")]
    assert names == [
        "schools/_student_parcours.html",
        "planning/_student_groups.html",
        "planning/_wish_student.html",
        "followup/_student_followup.html",
        "followup/_progress_student.html",
        "tutoring/_portfolio.html",
    ]
    # Pupils and families see their strengths first, above the identity block.
    assert [p.template_name for p in panels.panels_for("student_detail_top")] == [
        "followup/_positive_student.html"
    ]


def test_an_unknown_place_is_refused(empty_registry):
    with pytest.raises(ValueError, match="Unknown panel place"):
        panels.register("nowhere", "x.html")
    with pytest.raises(ValueError, match="Unknown panel place"):
        panels.panels_for("nowhere")


def test_registering_the_same_panel_twice_keeps_one(empty_registry):
    panels.register("home", "schools/home_no_school.html", order=5)
    panels.register("home", "schools/home_no_school.html", order=5)
    assert len(panels.panels_for("home")) == 1


def test_panels_render_in_order_with_the_page_context_and_their_own(empty_registry, monkeypatch):
    panels.register("home", "schools/_panel_b.html", order=20)
    panels.register("home", "schools/_panel_a.html", order=10, word="extra")
    sources = {
        "schools/_panel_a.html": "A:{{ name }}:{{ word }};",
        "schools/_panel_b.html": "B:{{ name }}:{{ word|default:'none' }};",
    }
    engine = engines["django"].engine
    monkeypatch.setattr(engine, "get_template", lambda name: Template(sources[name], engine=engine))
    page = Template('{% load panels %}[{% panels "home" %}]', engine=engine)
    html = page.render(Context({"name": "<b>"}))
    assert html == "[A:&lt;b&gt;:extra;B:&lt;b&gt;:none;]"
