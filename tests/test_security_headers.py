"""Headers on every response Django answers: CSP, Permissions-Policy, no-store (pages and
downloads about pupils), the HTTPS redirect and HSTS; static files keep their own cache."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from config.middleware import PERMISSIONS_POLICY, SecurityHeadersMiddleware


def assert_not_stored(response):
    assert response["Cache-Control"] == "no-store", response.get("Cache-Control")
    assert "Expires" not in response and "Pragma" not in response


def test_the_login_page_carries_every_security_header(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_not_stored(response)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_page_about_pupils_is_never_stored(world, login):
    response = login(world.users["head"]).get(reverse("schools:student-list"))
    assert response.status_code == 200
    assert "MARTIN" in response.content.decode().upper()
    assert_not_stored(response)


def test_refusals_are_not_stored_either(world, login):
    response = login(world.users["student"]).get(reverse("schools:student-list"))
    assert response.status_code == 403
    assert_not_stored(response)


@pytest.mark.parametrize("export_format", ["csv", "xlsx", "ods"])
def test_list_downloads_are_never_stored(world, login, export_format):
    response = login(world.users["head"]).get(
        reverse("interop:student-export"), {"format": export_format}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_not_stored(response)


@pytest.mark.django_db(transaction=True)
def test_pdfs_are_never_stored(world, planning, login):
    response = login(world.users["teacher"]).get(
        reverse("reports:division-timetable-pdf", args=[world.division.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert_not_stored(response)


def test_the_calendar_feed_is_not_cached_despite_its_view(world, client):
    from appui.followup import services
    from appui.schools.models import Staff

    feed = services.calendar_feed_for(staff=Staff.objects.get(user=world.users["teacher"]))
    response = client.get(reverse("followup:ical-feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert_not_stored(response)


def test_static_files_keep_their_own_cache(client, db):
    response = client.get("/static/appui/appui.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response


def test_the_middleware_replaces_a_view_s_caching():
    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=3600"
        response["Expires"] = "Thu, 01 Jan 2099 00:00:00 GMT"
        response["Pragma"] = "cache"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
    assert_not_stored(response)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_plain_http_is_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_behind_a_proxy_https_requests_get_hsts(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("accounts:login"), HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Secure" in str(response.cookies.get("csrftoken", ""))
