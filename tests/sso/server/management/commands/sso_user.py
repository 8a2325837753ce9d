"""Create (or update) a user of the ENT stand-in: ``sso_user NAME PASSWORD --attr k=v``."""

import json
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a user of the test ENT, with extra ENT attributes."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("password")
        parser.add_argument("--attr", action="append", default=[], help="name=value")

    def handle(self, *args, username, password, attr, **options):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.save()
        path = Path(os.environ["SSO_ATTRIBUTES"])
        data = json.loads(path.read_text()) if path.exists() else {}
        data[username] = dict(item.split("=", 1) for item in attr)
        path.write_text(json.dumps(data))
