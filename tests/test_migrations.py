"""Models keep their app labels and tables: the code and its migrations agree (makemigrations --check)."""
from io import StringIO

from django.core.management import call_command


def test_no_model_change_lacks_its_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    assert "No changes detected" in out.getvalue()
