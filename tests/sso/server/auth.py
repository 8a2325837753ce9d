"""What the ENT stand-in releases: each user's Django fields plus the ENT attributes the
tests gave them (``sso_user --attr name=value``, kept in the ``SSO_ATTRIBUTES`` JSON file),
as CAS attributes and as OpenID Connect claims."""

import json
import os
from pathlib import Path

from cas_server.auth import DjangoAuthUser
from oauth2_provider.oauth2_validators import OAuth2Validator


def extra_attributes(username: str) -> dict[str, str]:
    path = os.environ.get("SSO_ATTRIBUTES")
    if not path or not Path(path).exists():
        return {}
    return json.loads(Path(path).read_text()).get(username, {})


class EntAuthUser(DjangoAuthUser):
    def attributs(self):
        attributes = super().attributs()
        if self.user:
            attributes.update(extra_attributes(self.user.username))
        return attributes


class EntValidator(OAuth2Validator):
    # Release every claim whatever the scope (the tests ask for openid profile email).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "email": user.email,
            **extra_attributes(user.username),
        }
