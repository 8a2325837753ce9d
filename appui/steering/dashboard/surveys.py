"""A survey's results as shown to the head and downloaded: nothing in detail below
:data:`appui.core.indicators.MIN_CELL` respondents (``indicators.is_detailed``)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from appui.core import indicators as ind
from appui.core.io.tabular import Column

from .. import selectors
from ..survey_templates import SCALE_LABELS
from .display import Bar, Section, percent


def _question_row(
    question, counts: dict[int, int] | None, detailed: bool, comments: list[str]
) -> dict:
    if counts is None:
        return {"question": question, "comments": comments if detailed else []}
    total = sum(counts.values())
    bars = [
        Bar(str(SCALE_LABELS[value]), (Decimal(n) / total) if total else None, str(n))
        for value, n in sorted(counts.items())
    ]
    return {
        "question": question,
        "total": total,
        "satisfied": percent(ind.satisfaction(counts)),
        "bars": bars if detailed else [],
    }


def survey_report(survey) -> dict:
    """The survey's results, its questions' rows and the response rate per audience."""
    results = selectors.survey_results(survey)
    detailed = ind.is_detailed(results["total"])
    population = results["population"]
    return {
        "results": results,
        "detailed": detailed,
        "rows": [
            _question_row(
                q, results["counts"].get(q.pk), detailed, results["comments"].get(q.pk, [])
            )
            for q in results["questions"]
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
    """The download of a survey: one row per scale question, counts only when detailed."""
    results = selectors.survey_results(survey)
    detailed = ind.is_detailed(results["total"])
    rows = []
    for question in results["questions"]:
        counts = results["counts"].get(question.pk)
        if counts is None:
            continue
        row = {"question": question.text}
        if detailed:
            row.update({f"v{v}": counts.get(v, 0) for v in SCALE_LABELS})
            rate = ind.satisfaction(counts).rate
            row["satisfied"] = None if rate is None else float(rate * 100)
        rows.append(row)
    return Section(
        key="survey",
        title=survey.title,
        seeds="000",
        formula="",
        headline="",
        columns=[
            Column("question", _("Question")),
            *(Column(f"v{v}", str(label)) for v, label in SCALE_LABELS.items()),
            Column("satisfied", _("Satisfied (%)")),
        ],
        rows=rows,
    )
