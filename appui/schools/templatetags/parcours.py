"""``{% parcours_enrolment student as enrolment %}``: the pupil's terminale enrolment, whose
parcours the pupil page shows (a panel of schools itself, so the view stays as it is)."""

from django import template

from ..forms import ParcoursForm
from ..views_parcours import parcours_enrolment

register = template.Library()


@register.simple_tag
def terminale_parcours(student, enrolments=None):
    """The pupil's latest terminale enrolment and its one-row form, or None. ``enrolments``:
    the pupil's years as the pupil page already read them (``selectors.enrolment_history``).
    A page without them passes an unknown variable, which a template gives as "": read then."""
    enrolment = parcours_enrolment(student, enrolments or None)
    if enrolment is None:
        return None
    return {"enrolment": enrolment, "form": ParcoursForm(enrolments=[enrolment])}
