from django import template
from django.http import QueryDict

from appui.schools.widgets import choice_labels

register = template.Library()


@register.filter
def checkbox_labels(field):
    """``{{ form.staff|checkbox_labels }}``: a checkbox field's choices, each in its label
    (``appui.schools.widgets.choice_labels``); empty without choices."""
    return choice_labels(field)


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}`: a dictionary lookup with a variable key."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.inclusion_tag("_pager.html", takes_context=True)
def pager(context, page, anchor: str = ""):
    """`{% pager page %}`: « Previous · Page n of N · Next » for a ``Paginator`` page, each
    link keeping the request's other parameters (search, level, class…) and going to
    ``#anchor`` when given. Nothing when everything fits on one page."""
    request = context.get("request")

    def link(number: int) -> str:
        params = request.GET.copy() if request is not None else QueryDict(mutable=True)
        params["page"] = str(number)
        return "?" + params.urlencode() + (f"#{anchor}" if anchor else "")

    if page is None or not page.has_other_pages():
        return {"page": None}
    return {
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }
