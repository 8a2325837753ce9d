"""Saving a submitted form with an edit-conflict check: one place for the pattern of the pages
whose rows carry a version (``services.ChangedMeanwhile``).

A form posted valid is handed to ``save``. If someone saved the row after the form was opened
(``ChangedMeanwhile``: who and when) or the service refuses a value (``ValidationError``),
nothing is written and the error is put on the form, which is shown again with what the user
typed; otherwise the success message is flashed and the caller redirects::

    if saved := save_form(request, form, lambda: services.thing_save(...), _("Saved.")):
        return redirect("app:thing-detail", saved.value.pk)
    return render(request, "app/thing_form.html", {"form": form})
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

from .services import ChangedMeanwhile

T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What ``save`` returned (a dataclass instance: always true, even for ``None``)."""

    value: T


def save_form(
    request: HttpRequest, form: BaseForm, save: Callable[[], T], success: str
) -> Saved[T] | None:
    """Run ``save`` for a form posted valid; None when nothing was saved (not posted, invalid,
    changed meanwhile, refused by the service: the form then says why)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        value = save()
    except ChangedMeanwhile as conflict:
        form.add_error(None, str(conflict))
        return None
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, success)
    return Saved(value)
