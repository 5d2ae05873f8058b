FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# chromium + a CJK font: kaleido draws the charts of the review reports (.docx) offline
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 app && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "leshan_plan.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", \
     "--access-logformat", "time=%(t)s level=INFO logger=gunicorn.access method=%(m)s path=\"%(U)s\" status=%(s)s bytes=%(B)s duration_ms=%(M)s"]
