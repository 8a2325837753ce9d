from django.apps import AppConfig


class SsoServerConfig(AppConfig):
    name = "tests.sso.server"
    label = "sso_server"
