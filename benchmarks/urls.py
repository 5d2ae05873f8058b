"""The project's URLs plus /bench/trivial/: the floor of the stack (same middleware, session and login, no work)."""
from django.http import HttpResponse
from django.urls import path

from leshan_plan.urls import urlpatterns as project_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *project_urlpatterns]
