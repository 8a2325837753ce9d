"""Forms of the wishes pages: the window (dates, modules offered, wishes per pupil) and one
pupil's ranking (one select per wish)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appui.schools.widgets import RowChoices, RowSelect

from .models import Module, WishWindow
from .wishes import check_ranking

# The browser's date picker reads and writes ISO dates, whatever the language.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WishWindowForm(forms.Form):
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=gettext_lazy("Closes on (included)"), widget=DATE)
    max_wishes = forms.TypedChoiceField(
        label=gettext_lazy("Wishes per pupil"),
        coerce=int,
        choices=[(1, "1"), (2, "2"), (3, "3")],
        initial=3,
    )
    modules = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Modules offered"),
        queryset=Module.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, modules, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = modules  # type: ignore[attr-defined]
        self.fields["modules"].label_from_instance = lambda m: f"{m.code} — {m.title}"  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The window must close on or after the day it opens."))
        # How many modules for how many wishes: ``wishes.window_save``, the one place.
        return data


def ranking_choices(window: WishWindow) -> tuple[dict, RowChoices]:
    """The window's modules by key and the choices of a wish (none, then by title); worked
    out once per window, however many pupils' rows are drawn."""
    cached = getattr(window, "_ranking_choices", None)
    if cached is None:
        offered = {m.pk: m for m in window.modules.all()}
        choices = RowChoices(
            [("", _("— none —"))]
            + [(m.pk, m.title) for m in sorted(offered.values(), key=lambda m: m.title)]
        )
        cached = window._ranking_choices = (offered, choices)  # type: ignore[attr-defined]
    return cached


class RankingForm(forms.Form):
    """One select per wish (``wish_1``… ``wish_<max>``) among the window's modules."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        window: WishWindow,
        required: bool,
        prefix_label: str = "",
        form_id: str = "",
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.window = window
        self.required_one = required
        self.offered, choices = ranking_choices(window)
        for rank in range(1, window.max_wishes + 1):
            label = _("Wish %(rank)s") % {"rank": rank}
            self.fields[f"wish_{rank}"] = forms.TypedChoiceField(
                label=f"{label}{prefix_label}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=RowSelect,
            )
            if form_id:
                # The selects sit in table cells, outside their row's <form>, named by
                # aria-label (the table has no room for a label per cell).
                attrs = self.fields[f"wish_{rank}"].widget.attrs
                attrs["form"] = form_id
                attrs["aria-label"] = f"{label}{prefix_label}"

    @property
    def wish_fields(self) -> list:
        return [self[f"wish_{rank}"] for rank in range(1, self.window.max_wishes + 1)]

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"wish_{rank}") for rank in range(1, self.window.max_wishes + 1)]
        # No gap: wish 2 only after wish 1, wish 3 only after wish 2.
        for rank in range(2, len(chosen) + 1):
            if chosen[rank - 1] is not None and chosen[rank - 2] is None:
                self.add_error(
                    f"wish_{rank - 1}",
                    _("Choose wish %(before)s before wish %(rank)s.")
                    % {"before": rank - 1, "rank": rank},
                )
                return data
        modules = [self.offered[pk] for pk in chosen if pk is not None]
        if self.required_one and not modules:
            self.add_error("wish_1", _("Choose at least one module."))
            return data
        try:
            check_ranking(self.window, modules)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        data["modules"] = modules
        return data

    @staticmethod
    def initial_for(wishes, version: str) -> dict:
        initial: dict = {"version": version}
        for wish in wishes:
            initial[f"wish_{wish.rank}"] = wish.module_id
        return initial
