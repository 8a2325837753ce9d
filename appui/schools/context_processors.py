from .access import access_for


def current_school(request) -> dict:
    school = getattr(request, "school", None)
    if school is None:
        return {"current_school": None, "school_access": None}
    return {"current_school": school, "school_access": access_for(request, school)}
