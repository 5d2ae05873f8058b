"""Municipal departments: the starting list, the department staff role and what it may touch."""
import json

import pytest
from django.core.management import call_command

from districts import access
from districts.models import Department
from tests.conftest import ROOT


def test_load_departments_keeps_what_the_admin_edited(db):
    call_command("load_departments")
    listed = json.loads((ROOT / "fixtures" / "departments.json").read_text(encoding="utf-8"))["departments"]
    assert Department.objects.count() == len(listed)
    assert Department.objects.get(code="commerce").name == "市商务局"
    Department.objects.filter(code="commerce").update(name="市商务局（改）", is_active=False)
    call_command("load_departments")
    kept = Department.objects.get(code="commerce")
    assert (kept.name, kept.is_active, Department.objects.count()) == ("市商务局（改）", False, len(listed))


@pytest.mark.django_db
def test_department_staff_act_for_their_department_and_no_district(dept_commerce):
    assert access.role_of(dept_commerce) == "department_staff"
    assert access.user_department_code(dept_commerce) == "commerce"
    assert access.user_district_code(dept_commerce) is None
    assert not access.can_view_district(dept_commerce, "shizhong")
    assert not access.can_edit_district(dept_commerce, "shizhong")
    assert not access.can_edit_district(dept_commerce, None)
    assert not access.can_decide(dept_commerce)


@pytest.mark.django_db
def test_department_role_without_a_department_is_no_role(plan, make_user):
    user = make_user("dept_nobody", "department")
    assert access.role_of(user) == "none"


@pytest.mark.django_db
def test_officials_are_not_department_staff(official):
    assert access.user_department_code(official) is None
