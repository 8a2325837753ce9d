"""Send the weekly e-mail digest of reminders to each person who asked for it."""

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appui.core.text import plural
from appui.followup.models import DigestPreference
from appui.followup.selectors.reminders import DigestSection, digest_sections


def digest_body(user, sections: list[DigestSection], base_url: str) -> str:
    """The plain-text digest (in the active language)."""
    name = user.get_full_name() or user.get_username()
    lines = [_("Hello %(name)s,") % {"name": name}, ""]
    for section in sections:
        lines.append(section.school)
        lines.append("=" * len(section.school))
        if section.calls_count:
            lines.append(
                ngettext(
                    "%(n)s call to make (past session without attendance):",
                    "%(n)s calls to make (past sessions without attendance):",
                    section.calls_count,
                )
                % {"n": section.calls_count}
            )
            for session in section.calls:
                lines.append(
                    f"- {session.date:%d/%m/%Y} {session.start_time:%H:%M} — "
                    f"{session.group.module.title} : {base_url}"
                    f"{reverse('followup:session-detail', args=[session.pk])}"
                )
            if section.calls_count > len(section.calls):
                lines.append("- …")
        if section.todo:
            lines.append(_("To do:"))
            for item in section.todo:
                detail = f" ({item.detail})" if item.detail else ""
                lines.append(f"- {item.count} {item.label}{detail} : {base_url}{item.url}")
        lines.append("")
    lines.append(_("You receive this digest because you asked for it in appui."))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Send the weekly digest of reminders (calls to make, to-do list) by e-mail."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the e-mails instead of sending them."
        )
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "DIGEST_BASE_URL", "http://localhost:8000"),
            help="The site's address, for the links.",
        )

    def handle(self, *args, dry_run: bool = False, base_url: str = "", **options):
        base_url = base_url.rstrip("/")
        sent = 0
        preferences = DigestPreference.objects.filter(weekly=True).select_related("user")
        with translation.override("fr"):
            for preference in preferences:
                user = preference.user
                if not user.is_active or not user.email:
                    continue
                sections = digest_sections(user)
                if not sections:
                    continue
                subject = _("appui — your reminders of the week")
                body = digest_body(user, sections, base_url)
                if dry_run:
                    self.stdout.write(f"To: {user.email}\nSubject: {subject}\n\n{body}\n")
                    continue
                send_mail(subject, body, None, [user.email])
                preference.last_sent_at = timezone.now()
                preference.save(update_fields=["last_sent_at"])
                sent += 1
        self.stdout.write(f"{plural(sent, 'récapitulatif envoyé', 'récapitulatifs envoyés')}.")
