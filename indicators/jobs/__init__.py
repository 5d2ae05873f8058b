"""Background jobs (issue 17): the long downloads — the Word review, the workbook of every approved figure — run
in Celery with a progress record (indicators.models.BackgroundJob) that a page polls; in-process when there is no
broker, so that the job is finished when the page that started it opens."""
