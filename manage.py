#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

`make run` writes `.env.development` (DEBUG=true and nothing else): every command the README shows then works as
typed. Only manage.py reads that file, and a variable already set in the environment wins; gunicorn and Celery
(production) never read it, and the Docker image does not contain it (.dockerignore).
"""
import os
import sys
from pathlib import Path

DEVELOPMENT_ENV = Path(__file__).resolve().parent / ".env.development"


def main():
    if DEVELOPMENT_ENV.exists():
        import environ

        environ.Env.read_env(DEVELOPMENT_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leshan_plan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
