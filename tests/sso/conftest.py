from tests.e2e.conftest import (  # noqa: F401  (Chromium set-up and the CSP watch of the browser tests)
    browser_context_args,
    browser_type_launch_args,
    context,
)
from tests.sso.servers import ent_server  # noqa: F401  (the session's ENT stand-in)
