"""Writes of the background jobs: start one (queued after commit), tell its progress, run it, store its file."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from districts.models import Plan
from indicators.entry import selectors as entry_reads
from indicators.entry import spreadsheets
from indicators.models import BackgroundJob
from indicators.progress import services as progress_services
from indicators.reviews import documents

logger = logging.getLogger(__name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Progress = Callable[[int, str], None]


def _review_docx(params: dict, progress: Progress) -> tuple[str, str, bytes]:
    plan = Plan.objects.get(code=params["plan"])
    p = {k: params[k] for k in ("scope", "year", "quarter", "lang")}
    return documents.docx_filename(p), documents.DOCX_TYPE, documents.review_docx(plan, p, progress=progress)


def _figures_xlsx(params: dict, progress: Progress) -> tuple[str, str, bytes]:
    """The approved figures in the language of the page that asked for them (a job queued before: the site's)."""
    plan = Plan.objects.get(code=params["plan"])
    progress(10, "reading")
    with translation.override(params.get("lang") or settings.LANGUAGE_CODE):
        rows = entry_reads.export_figures(plan, params["scope"])
        progress(40, "document")
        content = spreadsheets.write_figures_xlsx(rows, entry_reads.export_columns(), title=plan.name)
    return f"figures-{params['scope']}.xlsx", XLSX_TYPE, content


def _recompute(params: dict, progress: Progress) -> tuple[str, str, bytes | None]:
    """Every progress row of the plan recomputed (an administrator's on-demand run; nightly it is a beat task)."""
    plan = Plan.objects.get(code=params["plan"])
    progress(10, "computing")
    progress_services.progress_recompute(plan=plan)
    return "", "", None


BUILDERS: dict[str, Callable[[dict, Progress], tuple[str, str, bytes | None]]] = {
    BackgroundJob.Kind.REVIEW_DOCX: _review_docx,
    BackgroundJob.Kind.FIGURES_XLSX: _figures_xlsx,
    BackgroundJob.Kind.RECOMPUTE: _recompute,
}


KEEP_FOR = timedelta(days=1)  # a job's file is for its download, not an archive


@transaction.atomic
def job_start(*, owner, kind: str, params: dict) -> BackgroundJob:
    """A queued job, its task sent when the transaction commits (run in-process when no broker answers). Jobs
    started more than KEEP_FOR ago are deleted with their files."""
    BackgroundJob.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    job = BackgroundJob(id=uuid.uuid4(), owner=owner, kind=kind, params=params)
    job.full_clean(exclude=["content"])
    job.save()
    transaction.on_commit(lambda: _send(job.id))
    return job


def _send(job_id) -> None:
    from indicators.jobs.tasks import run_job_task

    try:
        run_job_task.delay(str(job_id))
    except Exception:  # broker unreachable: the user is waiting for the file; make it here
        logger.warning("broker unavailable, running job %s in-process", job_id, exc_info=True)
        job_run(job_id=job_id)


def job_progress(*, job_id, percent: int, step: str) -> None:
    BackgroundJob.objects.filter(pk=job_id, state__in=[BackgroundJob.State.QUEUED, BackgroundJob.State.RUNNING]
                                 ).update(state=BackgroundJob.State.RUNNING, percent=max(0, min(percent, 99)),
                                          step=step)


def job_run(*, job_id) -> str:
    """Build the job's file and store it; a failure is recorded on the job (the page says so), never raised."""
    job = BackgroundJob.objects.get(pk=job_id)
    if job.state in (BackgroundJob.State.DONE, BackgroundJob.State.FAILED):
        return job.state
    job_progress(job_id=job.pk, percent=5, step="started")
    try:
        filename, content_type, content = BUILDERS[job.kind](
            job.params, lambda percent, step: job_progress(job_id=job.pk, percent=percent, step=step))
    except Exception as exc:
        logger.exception("background job %s (%s) failed", job.pk, job.kind)
        BackgroundJob.objects.filter(pk=job.pk).update(state=BackgroundJob.State.FAILED, error=str(exc)[:2000],
                                                       finished_at=timezone.now())
        return BackgroundJob.State.FAILED
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=BackgroundJob.State.DONE, percent=100, step="done", filename=filename, content_type=content_type,
        content=content, finished_at=timezone.now())
    logger.info("background job %s (%s) done: %d bytes", job.pk, job.kind, len(content or b""))
    return BackgroundJob.State.DONE
