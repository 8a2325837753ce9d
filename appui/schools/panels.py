"""Panels that higher apps add to the pages of schools, without schools knowing them.

The school's pages (home, student, division, student list) are the base layer: they may not
include templates of planning, follow-up, tutoring, steering or interop. Each of those apps
registers its partials here in its ``AppConfig.ready()``; the page renders whatever is
registered for a place with ``{% load panels %}{% panels "student_detail" %}``, in ``order``,
with the page's context (plus the panel's own ``context``).

Places: ``home`` (everyone), ``home_staff`` (staff members only), ``student_detail_top`` (the
head of the student page, before identity: what the pupil and family see first),
``student_detail``,
``student_list``, ``division_detail``, ``settings_home`` (the year's settings) and
``plan_publish`` (planning's publication confirmation, where follow-up says which past
sessions a publication will create).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

PLACES = frozenset(
    {
        "home",
        "home_staff",
        "student_detail",
        "student_detail_top",
        "student_list",
        "division_detail",
        "settings_home",
        "plan_publish",
    }
)


@dataclass(frozen=True)
class Panel:
    """A template rendered at a place of a school page."""

    place: str
    template_name: str
    order: int = 0
    context: Mapping[str, Any] = field(default_factory=dict)


_panels: dict[str, list[Panel]] = {place: [] for place in PLACES}


def register(place: str, template_name: str, *, order: int = 0, **context: Any) -> None:
    """Add ``template_name`` to ``place``; keyword arguments are set in its context.

    Registering the same panel twice (``ready()`` may run again in tests) keeps one.
    """
    if place not in PLACES:
        raise ValueError(f"Unknown panel place {place!r}; known: {sorted(PLACES)}.")
    panel = Panel(place, template_name, order, MappingProxyType(dict(context)))
    registered = _panels[place]
    if any(
        (p.template_name, p.order, dict(p.context)) == (template_name, order, context)
        for p in registered
    ):
        return
    registered.append(panel)
    registered.sort(key=lambda p: (p.order, p.template_name))


def panels_for(place: str) -> tuple[Panel, ...]:
    """The panels of ``place`` in order."""
    if place not in PLACES:
        raise ValueError(f"Unknown panel place {place!r}; known: {sorted(PLACES)}.")
    return tuple(_panels[place])
