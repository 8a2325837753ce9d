"""The chips of a board column, formatted in Python: a level's board holds hundreds of chips
and rendering each through the template language took most of the plan page's time."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def board_chips(column: dict, editable: bool) -> SafeString:
    """The ``<li>`` chips of a column (``selectors.board_column``): a pupil's name (the
    button that opens their panel), division and need level on the group's competency,
    and a pin when their place is locked. Draggable on an editable board's free groups."""
    draggable = mark_safe(' draggable="true"') if editable and not column["group"].locked else ""
    need, locked = _("need"), _("locked")
    parts = []
    for m in column["members"]:
        assignment, student = m["assignment"], m["student"]
        division = student["division"]
        pin = (
            format_html('<span class="pin" role="img" aria-label="{}">🔒</span>', locked)
            if assignment["locked"]
            else ""
        )
        parts.append(
            format_html(
                '<li class="chip{}" id="a-{}" data-a="{}"{}><button type="button" '
                'class="chip-name" aria-haspopup="dialog">{} {}</button> <span class="div">'
                '{}</span> <span class="need n{}{}"><span class="visually-hidden">{} </span>'
                "{}</span>{}</li>",
                " pinned" if assignment["locked"] else "",
                assignment["pk"],
                assignment["pk"],
                draggable,
                (student["last_name"] or "").upper(),
                student["first_name"],
                division["code"] if division else "",
                m["level"],
                "" if m["served"] else " off",
                need,
                m["level"],
                pin,
            )
        )
    # Every part comes from format_html, which escapes the values; a line a chip.
    return mark_safe("".join("\n" + part for part in parts))
