"""Development only: the demo accounts of the README (admin, official, staff_<district code>, dept_<department code>)."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from districts.access import ADMIN, CITY_OFFICIAL, COUNTY_STAFF, DEPARTMENT_STAFF
from districts.models import Department, DepartmentMembership, District, Membership
from indicators.figures.selectors import current_plan

DEMO_PASSWORD = "Leshan-demo-2025"


class Command(BaseCommand):
    help = ("Create the demo accounts (DEBUG only): admin, official, staff_<code> for each district and "
            "dept_<code> for each municipal department.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="create them even when DEBUG is off")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts are for development only (DEBUG is off; use --force to insist).")
        plan = current_plan()
        if plan is None:
            raise CommandError("Load the plan first: python manage.py load_plan")
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in (COUNTY_STAFF, CITY_OFFICIAL, ADMIN, DEPARTMENT_STAFF)}
        User = get_user_model()

        def account(username, group, **extra):
            user, _ = User.objects.get_or_create(username=username, defaults=extra)
            for key, value in extra.items():
                setattr(user, key, value)
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([groups[group]])
            return user

        account("admin", ADMIN, is_staff=True, is_superuser=True, first_name="系统管理员")
        account("official", CITY_OFFICIAL, is_staff=False, first_name="市发改委")
        for district in District.objects.filter(plan=plan):
            user = account(f"staff_{district.code}", COUNTY_STAFF, first_name=f"{district.name}填报员")
            Membership.objects.update_or_create(user=user, defaults={"district": district})
        for department in Department.objects.filter(is_active=True):
            user = account(f"dept_{department.code}", DEPARTMENT_STAFF, first_name=f"{department.name}填报员")
            DepartmentMembership.objects.update_or_create(user=user, defaults={"department": department})
        self.stdout.write(f"demo accounts ready; password: {DEMO_PASSWORD}")
