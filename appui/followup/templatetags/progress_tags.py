"""The progress graphs of the pupil and group pages: SVG drawn by :mod:`appui.core.charts`
from :mod:`appui.followup.selectors.progress`, with the same data for the table that follows."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from appui.core.charts import distribution_bars, line_chart
from appui.core.text import with_elision
from appui.followup.selectors.progress import group_distribution, student_progress

register = template.Library()

LEVEL_NAMES = ("MI", "MF", "MS", "TBM")


@register.simple_tag
def student_progress_chart(student):
    """The pupil's progress graph (``svg``, safe markup: every text is escaped by the chart)
    and its ``rows`` for the table."""
    progress = student_progress(student)
    svg = line_chart(
        progress.series,
        progress.bands,
        title=with_elision(
            _("Progress of %(name)s across the year") % {"name": student.first_name},
            student.first_name,
        ),
        desc=_(
            "Level on each worked competency (MI, MF, MS, TBM) at each diagnosis (filled "
            "markers) and progress mark (hollow markers); shaded: the modules' periods. The "
            "table below gives the same data."
        ),
        empty=_("No diagnosis or progress mark yet on the competencies worked."),
        ident=f"progress-student-{student.pk}",
        start=progress.start,
        end=progress.end,
        note=_("Filled: diagnosis · hollow: progress mark · shaded: module"),
    )
    return {
        "svg": mark_safe(svg),
        "rows": progress.rows,
        "has_data": progress.has_data,
        # A pupil who has followed no module yet has nothing to follow: no graph at all.
        "has_groups": bool(progress.bands),
    }


@register.simple_tag
def group_progress_chart(group):
    """The group's before/after distribution graph and its data."""
    distribution = group_distribution(group)
    svg = distribution_bars(
        LEVEL_NAMES,
        distribution.before,
        distribution.after,
        title=_("Levels of the group on « %(competency)s » before and after the module")
        % {"competency": distribution.competency},
        desc=_(
            "Number of members at each level (MI, MF, MS, TBM): hatched bars before the "
            "module (last diagnosis), solid bars after (last progress mark or re-diagnosis). "
            "The table below gives the same data."
        ),
        before_label=_("Before the module"),
        after_label=_("After the module"),
        empty=_("No diagnosis or progress mark yet on this competency."),
        ident=f"progress-group-{group.pk}",
    )
    rows = [
        {"level": name, "before": b, "after": a}
        for name, b, a in zip(LEVEL_NAMES, distribution.before, distribution.after, strict=True)
    ]
    return {
        "svg": mark_safe(svg),
        "rows": rows,
        "unknown_before": distribution.unknown_before,
        "unknown_after": distribution.unknown_after,
        "competency": distribution.competency,
        "has_data": distribution.has_data,
    }
