"""The chips of a board column, formatted in Python: a level's board holds hundreds of chips
and rendering each through the template language took most of the plan page's time."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def board_chips(column: dict, editable: bool) -> SafeString:
    """The ``<li>`` chips of a column (``selectors.board_column``): a pupil's name (the
    button that opens their panel), division and need level on the group's competency,
    and a pin when their place is locked. Draggable on an editable board's free groups."""
    draggable = ' draggable="true"' if editable and not column["group"].locked else ""
    need = escape(_("need"))
    pin = f'<span class="pin" role="img" aria-label="{escape(_("locked"))}">🔒</span>'
    parts = []
    for m in column["members"]:
        assignment, student = m["assignment"], m["student"]
        division = student["division"]
        locked = assignment["locked"]
        pk = int(assignment["pk"])
        level = int(m["level"])
        parts.append(
            f'\n<li class="chip{" pinned" if locked else ""}" id="a-{pk}" data-a="{pk}"'
            f'{draggable}><button type="button" class="chip-name" aria-haspopup="dialog">'
            f"{escape((student['last_name'] or '').upper())} {escape(student['first_name'])}"
            f'</button> <span class="div">{escape(division["code"] if division else "")}'
            f'</span> <span class="need n{level}{"" if m["served"] else " off"}">'
            f'<span class="visually-hidden">{need} </span>{level}</span>'
            f"{pin if locked else ''}</li>"
        )
    # Names and codes escaped (html.escape, as Django's escape does); numbers are ints.
    return mark_safe("".join(parts))
