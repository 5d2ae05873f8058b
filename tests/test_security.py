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
