from .selectors import current_school_for


class CurrentSchoolMiddleware:
    """Sets `request.school`: the school the user is working in (chosen, or their only one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.school = current_school_for(request)
        return self.get_response(request)
