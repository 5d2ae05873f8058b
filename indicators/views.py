from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse

from indicators import selectors


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
    checks["broker"] = selectors.broker_status()
    healthy = all(v in ("ok", "in-process") for v in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
