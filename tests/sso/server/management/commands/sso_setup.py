"""Register appui with the ENT stand-in: a CAS service (with single logout and the released
attributes) and an OpenID Connect client."""

from cas_server.models import ReplaceAttributName, ServicePattern
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    help = "Register appui (at --appui URL) as a CAS service and an OpenID Connect client."

    def add_arguments(self, parser):
        parser.add_argument("--appui", required=True, help="appui's base URL")
        parser.add_argument("--client-id", default="appui")
        parser.add_argument("--client-secret", default="appui-secret")
        parser.add_argument("--attributes", default="*", help="names, or * for all")

    def handle(self, *args, appui, client_id, client_secret, attributes, **options):
        base = appui.rstrip("/")
        pattern, _ = ServicePattern.objects.update_or_create(
            name="appui",
            defaults={
                "pos": 100,
                "pattern": "^" + base.replace(".", r"\.") + "/.*",
                "single_log_out": True,
            },
        )
        for name in attributes.split(","):
            ReplaceAttributName.objects.get_or_create(
                name=name, replace="", service_pattern=pattern
            )
        Application.objects.filter(client_id=client_id).delete()
        Application.objects.create(
            name="appui",
            client_id=client_id,
            client_secret=client_secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=f"{base}/compte/ent/oidc/retour/",
            post_logout_redirect_uris=f"{base}/compte/connexion/",
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
