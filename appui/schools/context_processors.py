from .access import access_for
from .selectors import year_choices


def current_school(request) -> dict:
    school = getattr(request, "school", None)
    if school is None:
        return {"current_school": None, "school_access": None}
    year = getattr(request, "year", None)
    # The school's years, as the middleware read them (else read here).
    years = getattr(request, "school_years", None)
    if not years or years[0].school_id != school.pk:
        years = None
    choices = year_choices(school, years)
    current = next((choice.year for choice in choices if choice.is_current), None)
    return {
        "current_school": school,
        "school_access": access_for(request, school),
        "selected_year": year,
        "current_school_year": current,
        # The switcher only when there is a year to switch to.
        "year_choices": choices if len(choices) > 1 else [],
        # The notice on every page when the user looks at another year than the current one.
        "other_year": year if year is not None and current and year != current else None,
    }
