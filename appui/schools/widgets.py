"""Form widgets drawn in Python for tables with a field per pupil.

Django draws each widget through its template engine: fine for a form, slow for a table of a
few hundred selects (the wish entry took seconds, a division's parcours 60–100 ms). These
draw the same HTML directly (no option groups).
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class RowSelect(forms.Select):
    """A plain ``<select>`` with its options, drawn without the widget templates."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)


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
