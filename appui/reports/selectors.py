from appui.planning.models import Group, Plan, Slot


def division_timetable(division) -> dict:
    slots = (
        Slot.objects.filter(divisions=division)
        .prefetch_related("periods")
        .order_by("weekday", "start_time")
    )
    groups = (
        Group.objects.filter(
            plan__status=Plan.Status.PUBLISHED, assignments__student__division=division
        )
        .select_related("slot", "module", "room", "plan__period", "round")
        .prefetch_related("staff")
        .distinct()
        .order_by(
            "plan__period__number",
            "round__number",
            "slot__weekday",
            "slot__start_time",
            "module__code",
        )
    )
    by_period: dict = {}
    for group in groups:
        by_period.setdefault(group.plan.period, []).append(group)
    return {"slots": slots, "by_period": by_period}
