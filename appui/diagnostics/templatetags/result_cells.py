"""A cell of the results grid, formatted in Python: a division's grid holds hundreds of cells
and rendering each through an included template took most of the grid page's time. The grid
(``result_grid.html``) and the answer of a save (``_result_cell.html``) both use it."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def result_cell(
    save_url: str, student, competency, result, state: str = "", error: str = "", typed=""
) -> SafeString:
    """The ``<td>`` of ``student`` × ``competency`` (``result``: theirs, or None); ``state``
    « saved », « conflict » (someone changed it meanwhile: their value is shown) or
    « error » (the value typed was refused: it is shown again, with ``error``)."""
    display = result.display if result is not None else ""
    title: SafeString | str = ""
    if state == "conflict":
        who = (result.updated_by if result is not None else None) or _("someone else")
        message = mark_safe(
            _("Changed meanwhile by %(who)s: %(value)s. Type again to overwrite.")
            % {"who": conditional_escape(who), "value": conditional_escape(display or _("empty"))}
        )
        title = format_html(' title="{}"', message)
    elif state == "error":
        title = format_html(' title="{}"', error)
    flag = {
        "conflict": mark_safe('<span class="cell-flag" aria-hidden="true">!</span>'),
        "error": mark_safe('<span class="cell-flag" aria-hidden="true">?</span>'),
    }.get(state, "")
    return format_html(
        '<td class="cell {}" data-competency="{}"{}>\n'
        '  <input class="cell-input" name="value" value="{}"\n'
        '         inputmode="numeric" autocomplete="off" maxlength="5" size="3"\n'
        '         aria-label="{} {} — {}"\n'
        "         {}\n"
        '         hx-post="{}" hx-trigger="change" hx-target="closest td" hx-swap="outerHTML"\n'
        '         hx-include="closest td" hx-vals=\'{{"student": "{}", "competency": "{}"}}\'>\n'
        '  <input type="hidden" name="version" value="{}">\n'
        "  {}\n"
        "</td>",
        state or "",
        competency.pk,
        title,
        typed if state == "error" else display,
        (student.last_name or "").upper(),
        student.first_name,
        competency.code,
        mark_safe('aria-invalid="true"') if state == "error" else "",
        save_url,
        student.pk,
        competency.pk,
        (result.version if result is not None else None) or 0,
        flag,
    )
