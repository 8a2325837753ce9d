"""Puts the signed-in user (and their address) in the audit context of each request."""

from auditlog.middleware import AuditlogMiddleware

from appui.accounts.throttling import client_ip


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with the client address read as the login throttle reads it:
    auditlog trusts the first ``X-Forwarded-For`` entry, which any client can write."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None
