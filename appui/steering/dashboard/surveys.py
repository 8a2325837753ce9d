"""A survey's results as shown to the head and downloaded: nothing in detail below
:data:`appui.core.indicators.MIN_CELL` respondents (``indicators.is_detailed``).

Each question is shown by its type: a scale question as its four bars and its « % de
satisfaits » (the only type counted there), a yes/no question as its counts and the share of
« oui », a free-text question as its anonymised comments; grouped by the audience asked."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from appui.core import indicators as ind
from appui.core.io.tabular import Column

from .. import selectors
from ..models import Question, Survey
from ..survey_templates import SCALE_LABELS, TEMPLATE_OF, YES, YES_NO_LABELS
from .display import Bar, Section, percent


def _bars(labels: dict, counts: dict[int, int]) -> list[Bar]:
    total = sum(counts.values())
    return [
        Bar(
            str(label),
            (Decimal(counts.get(value, 0)) / total) if total else None,
            str(counts.get(value, 0)),
        )
        for value, label in labels.items()
    ]


def _question_row(question, results: dict, detailed: bool) -> dict:
    row = {"question": question, "kind": question.kind, "total": None, "bars": []}
    if question.kind == Question.Kind.SCALE:
        counts = results["counts"].get(question.pk, {})
        row["total"] = sum(counts.values())
        row["satisfied"] = percent(ind.satisfaction(counts))
        row["bars"] = _bars(SCALE_LABELS, counts) if detailed else []
    elif question.kind == Question.Kind.YES_NO:
        counts = results["yes_no"].get(question.pk, {})
        row["total"] = sum(counts.values())
        row["yes"] = percent(ind.Share(counts.get(YES, 0), row["total"]))
        row["bars"] = _bars(YES_NO_LABELS, counts) if detailed else []
    else:
        row["comments"] = results["comments"].get(question.pk, []) if detailed else []
    return row


def _audience_label(audience: str) -> str:
    return str(Survey.Template(TEMPLATE_OF[audience]).label)


def survey_report(survey) -> dict:
    """The survey's results, its questions' rows by audience and the response rate per
    audience."""
    results = selectors.survey_results(survey)
    detailed = ind.is_detailed(results["total"])
    population = results["population"]
    rows = [_question_row(q, results, detailed) for q in results["questions"]]
    return {
        "results": results,
        "detailed": detailed,
        "rows": rows,
        "by_audience": [
            {
                "audience": audience,
                "label": _audience_label(audience),
                "rows": [row for row in rows if row["question"].audience == audience],
            }
            for audience in survey.audiences
        ],
        "rates": [
            {
                "audience": audience,
                "respondents": results["respondents"].get(audience, 0),
                "population": population[audience],
                "rate": percent(
                    ind.response_rate(results["respondents"].get(audience, 0), population[audience])
                ),
            }
            for audience in population
        ],
        "min_cell": ind.MIN_CELL,
    }


def survey_section(survey) -> Section:
    """The download of a survey: one row per scale or yes/no question, counts only when
    detailed."""
    results = selectors.survey_results(survey)
    detailed = ind.is_detailed(results["total"])
    rows = []
    for question in results["questions"]:
        if question.kind == Question.Kind.TEXT:
            continue
        row = {"question": question.label, "audience": _audience_label(question.audience)}
        if detailed and question.kind == Question.Kind.SCALE:
            counts = results["counts"].get(question.pk, {})
            row.update({f"v{v}": counts.get(v, 0) for v in SCALE_LABELS})
            rate = ind.satisfaction(counts).rate
            row["satisfied"] = None if rate is None else float(rate * 100)
        elif detailed:
            counts = results["yes_no"].get(question.pk, {})
            row.update({f"yn{v}": counts.get(v, 0) for v in YES_NO_LABELS})
            rate = ind.Share(counts.get(YES, 0), sum(counts.values())).rate
            row["yes_share"] = None if rate is None else float(rate * 100)
        rows.append(row)
    return Section(
        key="survey",
        title=survey.title,
        seeds="000",
        formula="",
        headline="",
        columns=[
            Column("question", _("Question")),
            Column("audience", _("Asked to")),
            *(Column(f"v{v}", str(label)) for v, label in SCALE_LABELS.items()),
            Column("satisfied", _("Satisfied (%)")),
            *(Column(f"yn{v}", str(label)) for v, label in YES_NO_LABELS.items()),
            Column("yes_share", _("Yes (%)")),
        ],
        rows=rows,
    )
