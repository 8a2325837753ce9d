from .selectors import current_school_for, selected_year_for, years_of


class CurrentSchoolMiddleware:
    """Sets `request.school`: the school the user is working in (chosen, or their only one),
    and `request.year`: the year of that school chosen with the year switcher, by default
    its current year (None without a school or a year).

    The school's years are read once (`request.school_years`, newest first): the year shown
    and the year switcher of every page (`context_processors.current_school`) come from them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.school = current_school_for(request)
        if request.school is None:
            request.school_years = []
            request.year = None
        else:
            request.school_years = list(years_of(request.school))
            request.year = selected_year_for(request, request.school, request.school_years)
        return self.get_response(request)
