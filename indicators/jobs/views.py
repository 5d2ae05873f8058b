"""The progress page of a background job, the JSON it polls, and the file (issue 17). Thin: ask the selectors
(which ask districts.access), respond."""
from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from indicators.jobs import selectors
from indicators.models import BackgroundJob


def _status(job: BackgroundJob) -> dict:
    return selectors.job_status(job, download_url=reverse("jobs:download", args=[job.pk]))


@require_GET
def job_page(request, job_id):
    job = selectors.job_for(request.user, job_id)
    return render(request, "indicators/jobs/job.html", {
        "job": job, "status": _status(job), "kind_label": job.get_kind_display(),
        "status_url": reverse("jobs:status", args=[job.pk])})


@require_GET
def job_status(request, job_id):
    response = JsonResponse(_status(selectors.job_for(request.user, job_id)))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def job_download(request, job_id):
    job = selectors.job_for(request.user, job_id, with_content=True)
    if job.state != BackgroundJob.State.DONE or job.content is None:
        raise Http404(_("文件尚未生成。"))
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
