"""Form widgets drawn in Python for tables with a field per pupil.

Django draws each widget through its template engine: fine for a form, slow for a table of a
few hundred selects (the wish entry took seconds, a division's parcours 60–100 ms). These
draw the same HTML directly (no option groups).
"""

from functools import lru_cache

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


class RowChoices(BaseChoiceIterator):
    """Choices worked out once (a list of ``(value, label)``) for the many fields of a table:
    Django takes them as they are instead of normalizing them again for each field and its
    widget."""

    def __init__(self, choices: list[tuple]) -> None:
        self.choices = list(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


@lru_cache(maxsize=256)
def _options(choices: tuple, language: str | None) -> tuple[str, dict[str, tuple[str, str]]]:
    """The ``<option>`` elements of ``choices``, none selected, and for each value the text of
    its opening tag without and with ``selected``: drawn once for the hundreds of selects of a
    table that share them (``language``: labels may translate)."""
    tags: dict[str, tuple[str, str]] = {}
    parts = []
    for key, label in choices:
        value = escape(str(key))
        tags.setdefault(value, (f'<option value="{value}">', f'<option value="{value}" selected>'))
        parts.append(f'<option value="{value}">{escape(str(label))}</option>')
    return "".join(parts), tags


class RowSelect(forms.Select):
    """A plain ``<select>`` with its options, drawn without the widget templates."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        options, tags = _options(tuple(self.choices), get_language())
        for chosen in set(self.format_value(value)):
            plain, selected = tags.get(escape(chosen), ("", ""))
            if plain:
                options = options.replace(plain, selected)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(attrs),
            mark_safe(options),  # noqa: S308  escaped in _options
        )


class RowHidden(forms.HiddenInput):
    """A plain hidden ``<input>``, drawn without the widget templates."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        shown = self.format_value(value)
        return format_html(
            '<input type="hidden" name="{}"{}{}>',
            name,
            format_html(' value="{}"', shown) if shown is not None else "",
            flatatt(attrs),
        )


def choice_labels(field) -> SafeString:
    """The choices of a checkbox (or radio) field, each as ``<label><input …> label</label>``:
    the options and attributes Django's widget works out (ids, checked, aria-invalid…), drawn
    without one template per option (the staff list of a large school has 150)."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    parts = []
    for option in widget.subwidgets(field.html_name, field.value(), attrs=attrs):
        value = option["value"]
        shown = "" if value is None else f' value="{escape(str(value))}"'
        parts.append(
            f'<label><input type="{escape(option["type"])}" name="{escape(option["name"])}"'
            f"{shown}{flatatt(option['attrs'])}> {conditional_escape(option['label'])}</label>"
        )
    return mark_safe("".join(parts))  # noqa: S308  every part is escaped
