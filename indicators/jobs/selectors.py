"""Reads of the background jobs: one job for a user who may see it (districts.access decides)."""
from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from districts import access
from indicators.models import BackgroundJob

STEPS = {
    "started": gettext_noop("已开始"), "reading": gettext_noop("读取数据"), "texts": gettext_noop("生成文字"),
    "charts": gettext_noop("绘制图表"), "document": gettext_noop("写入文件"), "computing": gettext_noop("计算进度"),
    "done": gettext_noop("已完成"),
}


def job_for(user, job_id, *, with_content: bool = False) -> BackgroundJob:
    """The job, or 404; 403 unless the user started it or is an official."""
    qs = BackgroundJob.objects.all() if with_content else BackgroundJob.objects.defer("content")
    job = qs.filter(pk=job_id).first()
    if job is None:
        raise Http404(_("没有这个任务。"))
    access.require_job(user, job.owner_id)
    return job


def job_status(job: BackgroundJob, *, download_url: str) -> dict:
    """What the progress page shows and polls: state, percent, the step in words, the file when it is ready."""
    done = job.state == BackgroundJob.State.DONE
    has_file = done and bool(job.filename)
    return {
        "state": job.state, "percent": 100 if done else job.percent,
        "step": _(STEPS.get(job.step, STEPS["started"])) if job.state != BackgroundJob.State.FAILED
        else _("生成失败，请重试或联系管理员。"),
        "download_url": download_url if has_file else None, "filename": job.filename if has_file else None,
    }
