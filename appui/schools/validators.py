"""Validators for the identifiers of the French education system."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from appui.core.identifiers import ine_is_valid, uai_problem


def validate_uai(value: str) -> None:
    problem = uai_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_uai")


def validate_ine(value: str) -> None:
    if value and not ine_is_valid(value):
        raise ValidationError(
            _("“%(value)s” is not a valid INE (11 characters: digits and letters)."),
            code="invalid_ine",
            params={"value": value},
        )
