"""The ENT stand-in, started once per test session (per xdist worker) in a subprocess.

Import the fixtures into a test module (``from tests.sso.servers import ent_server``) or
a conftest. The server is a separate Django project (``tests.sso.server``) with its own
SQLite file and RSA key in a temporary directory, on a free loopback port; it is stopped
when the session ends.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.sso.server.settings"
CLIENT_ID, CLIENT_SECRET = "appui", "appui-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class EntServer:
    """A running ENT stand-in: its URLs, and how to add users to it."""

    url: str  # http://127.0.0.1:PORT
    env: dict[str, str]

    @property
    def cas_url(self) -> str:
        return f"{self.url}/cas/"

    def oidc_settings(self) -> dict[str, str]:
        return {
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/o/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/o/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/o/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/o/.well-known/jwks.json",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{self.url}/o/logout/",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        }

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "django", *args, f"--settings={SETTINGS}"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def add_user(self, username: str, password: str = "ent-password", **attributes: str):
        self.manage(
            "sso_user", username, password, *[f"--attr={k}={v}" for k, v in attributes.items()]
        )


def start_ent_server(tmp: Path, appui_url: str):
    """Start the stand-in; returns (server, process)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp / "oidc.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "SSO_DB": str(tmp / "ent.sqlite3"),
        "SSO_OIDC_KEY_FILE": str(key_file),
        "SSO_ATTRIBUTES": str(tmp / "attributes.json"),
        "PYTHONPATH": str(ROOT),
    }
    port = _free_port()
    server = EntServer(url=f"http://127.0.0.1:{port}", env=env)
    server.manage("migrate", "--verbosity=0")
    server.manage("sso_setup", f"--appui={appui_url}")
    log = (tmp / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "django",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
            f"--settings={SETTINGS}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{server.url}/cas/login", timeout=2)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError((tmp / "server.log").read_text()) from None
            time.sleep(0.2)
    return server, process


@pytest.fixture(scope="session")
def ent_server(live_server, tmp_path_factory):
    """The ENT stand-in, registered with appui's live server."""
    server, process = start_ent_server(tmp_path_factory.mktemp("ent"), live_server.url)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# ------------------------------------------------------------------------------------------
# Filling the ENT's login forms as a browser would (requests follows the redirects).

_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_ATTR = re.compile(r'(\w[\w-]*)\s*=\s*"([^"]*)"')


def form_fields(html: str) -> dict[str, str]:
    """The named inputs of the page's login form, with their values."""
    fields: dict[str, str] = {}
    for tag in _INPUT.findall(html):
        attrs = {k.lower(): unescape(v) for k, v in _ATTR.findall(tag)}
        if "name" in attrs and attrs.get("type", "text") not in {"checkbox", "submit"}:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


def ent_login(session: requests.Session, start_url: str, username: str, password: str):
    """Start at appui's sign-on link, log in on the ENT's form, follow back to appui."""
    page = session.get(start_url, timeout=30)
    page.raise_for_status()
    fields = form_fields(page.text)
    fields.update({"username": username, "password": password})
    action = re.search(r'<form\b[^>]*action="([^"]*)"', page.text)
    target = (
        urljoin(page.url, unescape(action.group(1))) if action and action.group(1) else page.url
    )
    return session.post(target, data=fields, headers={"Referer": page.url}, timeout=30)
