"""The health check docker compose polls: database and broker reachable."""
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse


def broker_status() -> str:
    if not settings.REDIS_URL:
        return "in-process"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


@login_not_required
def healthz(request):
    """Database and broker reachable (used by docker compose health checks)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise: a health check answers
        checks["database"] = f"error: {exc.__class__.__name__}"
    checks["broker"] = broker_status()
    healthy = all(v in ("ok", "in-process") for v in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
