from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "appui.followup"
    label = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from appui.planning.services import on_publish

        from .services import sessions_generate_for_plan

        # Publishing a plan generates its groups' sessions (same transaction).
        on_publish(sessions_generate_for_plan)

        from appui.schools import panels

        panels.register("home_staff", "followup/_reminders_todo.html", order=5)
        panels.register("plan_publish", "followup/_publish_past_sessions.html")
        panels.register("home_staff", "followup/_reminders_calls.html", order=8)
        panels.register("home_staff", "followup/_staff_today.html", order=10)
        panels.register("student_detail", "followup/_student_followup.html", order=20)
        panels.register("student_detail", "followup/_progress_student.html", order=25)
        # Pupils and families: strengths and goals first (issue 18, item 3).
        panels.register("student_detail_top", "followup/_positive_student.html", order=10)
        panels.register("home", "followup/_positive_home.html", order=1)
