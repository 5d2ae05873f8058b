"""Writes to the organisational units that are not a plan's own (the municipal departments)."""
from districts.models import Department


def load_departments(data: dict) -> int:
    """Create the departments a list names and that do not exist yet; returns how many were created.
    A department the admin renamed or deactivated is left as it is."""
    existing = set(Department.objects.values_list("code", flat=True))
    new = [Department(code=row["code"], name=row["name"], name_en=row.get("name_en", ""), order=order)
           for order, row in enumerate(data["departments"], start=1) if row["code"] not in existing]
    Department.objects.bulk_create(new)
    return len(new)
