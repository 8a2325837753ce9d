from tests.sso.servers import ent_server  # noqa: F401  (the session's ENT stand-in)
