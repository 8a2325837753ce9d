from django import template

from appui.followup.selectors import reminders

register = template.Library()


@register.filter
def state_key(session):
    """The session's state for a CSS class: ``to_record`` or its status."""
    return reminders.session_state(session)[0]


@register.filter
def state_label(session):
    """The session's state as pages show it: « à saisir » or its status."""
    return reminders.session_state(session)[1]


@register.simple_tag
def teacher_calls(user, limit=10):
    """The sessions ``user`` runs that are to record: the first ``limit`` and the count."""
    calls = reminders.calls_to_make(user)
    count = calls.count()
    return {"sessions": list(calls[:limit]) if count else [], "count": count}


@register.simple_tag
def coordinator_todo(access, year):
    return reminders.kept_coordinator_todo(access, year)


@register.simple_tag
def past_sessions_on_publish(plan):
    """Sessions dated before today that publishing ``plan`` would create, to record."""
    return reminders.past_sessions_on_publish(plan)
