from .selectors import current_school_for, selected_year_for


class CurrentSchoolMiddleware:
    """Sets `request.school`: the school the user is working in (chosen, or their only one),
    and `request.year`: the year of that school chosen with the year switcher, by default
    its current year (None without a school or a year)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.school = current_school_for(request)
        request.year = selected_year_for(request, request.school) if request.school else None
        return self.get_response(request)
