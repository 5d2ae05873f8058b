"""Production settings and authentication (issue 6: Django's deployment checklist, ASVS L2 basics)."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    test_only = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "STATIC_MANIFEST",
                 "DJANGO_ALLOW_ASYNC_UNSAFE")
    full_env = {k: v for k, v in os.environ.items() if k not in test_only}
    full_env.update(DJANGO_SETTINGS_MODULE="leshan_plan.settings", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="plan.example.gov.cn", DEBUG="false")
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key_or_allowed_hosts():
    no_key = manage("check", DEBUG="false", ALLOWED_HOSTS="plan.example.gov.cn")
    assert no_key.returncode != 0 and "SECRET_KEY must be set" in no_key.stderr
    no_hosts = manage("check", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50))
    assert no_hosts.returncode != 0 and "ALLOWED_HOSTS must be set" in no_hosts.stderr


@pytest.mark.django_db
def test_every_page_needs_login_except_login_and_health(client, plan):
    for url in ["/", "/districts/", "/districts/shizhong/", "/projects/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_login_is_throttled_after_five_failures(client, official):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "official", "password": "wrong"})
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    fifth = client.post("/accounts/login/", {"username": "official", "password": "wrong"})
    assert fifth.status_code == 429
    locked = client.post("/accounts/login/", {"username": "official", "password": PASSWORD})
    assert locked.status_code == 429  # even the right password is refused while locked out
    assert "登录失败次数过多" in locked.content.decode()
    assert not client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_logout_is_post_only_and_sessions_expire(client, official):
    client.force_login(official)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 8 * 3600


@pytest.mark.django_db
def test_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["12345678901", "password123", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Leshan-demo-2025-x9")


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.json() == {"database": "ok", "broker": "in-process"}


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https_when_every_other_page_is():
    from django.test import Client, override_settings

    assert r"^healthz$" in settings.SECURE_REDIRECT_EXEMPT  # production settings (DEBUG off)
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()  # a new handler: SecurityMiddleware reads the settings when it is built
        page = client.get("/accounts/login/")
        assert page.status_code == 301 and page["Location"] == "https://testserver/accounts/login/"
        health = client.get("/healthz")
        assert health.status_code in (200, 503) and health["Content-Type"] == "application/json"
        assert set(health.json()) == {"database", "broker"}
        assert client.get("/healthz/").status_code == 301  # only the exact path is exempt


def test_healthz_answers_over_plain_http_under_the_real_production_settings():
    code = ("from django.test import Client; c = Client(); "
            "r = c.get('/healthz'); l = c.get('/accounts/login/'); "
            "print(r.status_code, r['Content-Type'], l.status_code, l.get('Location'))")
    result = manage("shell", "-c", code, SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="testserver",
                    DEBUG="false", DATABASE_URL="sqlite://:memory:")
    assert result.returncode == 0, result.stderr
    health, content_type, login, location = result.stdout.split()[-4:]
    assert health in ("200", "503") and content_type == "application/json"
    assert login == "301" and location.startswith("https://")


RESET_URLS = ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/MQ/set-password/",
              "/accounts/reset/done/"]


@pytest.mark.django_db
def test_password_reset_is_not_routed_by_default(client, official):
    assert settings.PASSWORD_RESET_ENABLED is False
    for url in RESET_URLS:
        assert client.get(url).status_code == 404, url
    assert client.post("/accounts/password_reset/", {"email": "x@example.org"}).status_code == 404
    client.force_login(official)
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.get("/accounts/password_change/").status_code == 200  # changing one's password stays


@pytest.fixture
def urls_with_password_reset(settings):
    """leshan_plan.urls rebuilt with PASSWORD_RESET_ENABLED on; rebuilt as configured afterwards."""
    import importlib

    from django.urls import clear_url_caches

    import leshan_plan.urls

    settings.PASSWORD_RESET_ENABLED = True
    importlib.reload(leshan_plan.urls)
    clear_url_caches()
    yield
    settings.PASSWORD_RESET_ENABLED = False
    importlib.reload(leshan_plan.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_password_reset_is_routed_when_enabled(client, urls_with_password_reset):
    assert client.get("/accounts/password_reset/").status_code == 200
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"


def test_password_reset_enabled_needs_a_backend_that_delivers_mail():
    production = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "plan.example.gov.cn", "DEBUG": "false",
                  "PASSWORD_RESET_ENABLED": "true", "DATABASE_URL": "sqlite://:memory:"}
    refused = manage("check", **production)
    assert refused.returncode != 0 and "PASSWORD_RESET_ENABLED needs an EMAIL_BACKEND" in refused.stderr
    smtp = manage("check", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="mail.example.gov.cn",
                  **production)
    assert smtp.returncode == 0, smtp.stderr
