"""The one place that decides who may see or change which district's figures (DESIGN.md: one home for access)."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

COUNTY_STAFF = "county_staff"
CITY_OFFICIAL = "city_official"
ADMIN = "plan_admin"
DEPARTMENT_STAFF = "department_staff"
ROLE_GROUPS = (COUNTY_STAFF, CITY_OFFICIAL, ADMIN, DEPARTMENT_STAFF)


def _groups(user) -> set[str]:
    if not hasattr(user, "_role_groups"):
        user._role_groups = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return user._role_groups


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or ADMIN in _groups(user))


def is_official(user) -> bool:
    """City officials and admins act city-wide."""
    return is_admin(user) or (user.is_authenticated and CITY_OFFICIAL in _groups(user))


def user_district_code(user) -> str | None:
    """The district a county staff member acts for; None for city-wide users and users without one."""
    if not user.is_authenticated or is_official(user):
        return None
    membership = getattr(user, "district_membership", None)
    return membership.district.code if membership else None


def user_department_code(user) -> str | None:
    """The municipal department a department staff member acts for; None for everyone else."""
    if not user.is_authenticated or is_official(user) or DEPARTMENT_STAFF not in _groups(user):
        return None
    membership = getattr(user, "department_membership", None)
    return membership.department.code if membership else None


def role_of(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    if is_admin(user):
        return "admin"
    if is_official(user):
        return "official"
    if COUNTY_STAFF in _groups(user) and user_district_code(user):
        return "county_staff"
    if user_department_code(user):
        return "department_staff"
    return "none"


def can_view_district(user, district_code: str | None) -> bool:
    """district_code None means city-level figures."""
    if is_official(user):
        return True
    own = user_district_code(user)
    return own is not None and district_code == own


def can_edit_district(user, district_code: str | None) -> bool:
    """County staff edit their own district; officials edit city-level figures; admins everything."""
    if is_admin(user):
        return True
    if district_code is None:
        return is_official(user)
    return role_of(user) == "county_staff" and user_district_code(user) == district_code


def can_decide(user) -> bool:
    """Approve or return submissions."""
    return is_official(user)


def can_approve(user, district_code: str | None, author_ids: set[int]) -> bool:
    """Approve a submission: officials; the city's own figures (district_code None) need four eyes, so not an
    official who entered or submitted them (author_ids)."""
    if not can_decide(user):
        return False
    return district_code is not None or user.pk not in author_ids


def require_view(user, district_code: str | None) -> None:
    if not can_view_district(user, district_code):
        raise PermissionDenied(_("您无权查看该县（市、区）的数据。"))


def require_edit(user, district_code: str | None) -> None:
    if not can_edit_district(user, district_code):
        raise PermissionDenied(_("您无权填报该县（市、区）的数据。"))


def require_official(user) -> None:
    if not is_official(user):
        raise PermissionDenied(_("仅市级部门可执行此操作。"))


def require_role(user) -> None:
    """Pages about no one district (the district list, the projects): any role; a signed-in account that has not
    been given a role (or county staff without a district) sees nothing, as on every other page."""
    if role_of(user) == "none":
        raise PermissionDenied(_("您的账号尚未分配角色，请联系管理员。"))


def require_admin(user) -> None:
    if not is_admin(user):
        raise PermissionDenied(_("仅管理员可执行此操作。"))


# ---- projects, tracked targets and the key-enterprise register (issue 16)

def can_report_project(user, *, responsible_district: str | None, responsible_department: str | None,
                       district_codes: set[str] | frozenset = frozenset()) -> bool:
    """Enter a project's quarterly progress: admins; the staff of the department responsible for it; the staff of
    the county responsible for it or, while no responsible unit is named at all, of a county it lies in. Officials
    decide, they do not report."""
    if is_admin(user):
        return True
    role = role_of(user)
    if role == "department_staff":
        return responsible_department is not None and user_department_code(user) == responsible_department
    if role == "county_staff":
        own = user_district_code(user)
        if responsible_district is not None or responsible_department is not None:
            return own == responsible_district
        return own in district_codes
    return False


def require_report_project(user, **unit) -> None:
    if not can_report_project(user, **unit):
        raise PermissionDenied(_("您无权填报该项目的进展。"))


def can_view_register(user) -> bool:
    """The key-enterprise register (标杆库): officials see every enterprise, county staff their district's; department
    staff and the rest do not (the page, and the link to it, are not theirs)."""
    return is_official(user) or (role_of(user) == "county_staff" and user_district_code(user) is not None)


def can_enter_enterprise_figures(user, district_code: str | None) -> bool:
    """The register's quarterly figures: county staff for enterprises of their district; officials for all."""
    if is_official(user):
        return True
    return role_of(user) == "county_staff" and district_code is not None and user_district_code(user) == district_code


def require_enterprise_figures(user, district_code: str | None) -> None:
    if not can_enter_enterprise_figures(user, district_code):
        raise PermissionDenied(_("您无权填报该县（市、区）企业的数据。"))


# ---- tasks (重点任务): officials see and assign every task and decide on its reports; a department's staff and a
# county's staff see the tasks their unit leads or supports, the lead unit reports, the supporting units add their
# part. Unit: ("department", code) or ("district", code).

def user_unit(user) -> tuple[str, str] | None:
    """The unit a department's or a county's staff member acts for on tasks; None for officials and the rest."""
    role = role_of(user)
    if role == "department_staff":
        return "department", user_department_code(user)
    if role == "county_staff":
        return "district", user_district_code(user)
    return None


def _task_lead(task) -> tuple[str, str] | None:
    if task.lead_department_id:
        return "department", task.lead_department.code
    if task.lead_district_id:
        return "district", task.lead_district.code
    return None


def _task_supporters(task) -> set[tuple[str, str]]:
    return ({("department", d.code) for d in task.supporting_departments.all()}
            | {("district", d.code) for d in task.supporting_districts.all()})


def can_view_task(user, task) -> bool:
    if is_official(user):
        return True
    unit = user_unit(user)
    return unit is not None and (unit == _task_lead(task) or unit in _task_supporters(task))


def can_report_task(user, task) -> bool:
    """The lead unit's staff write and submit the half-yearly reports."""
    unit = user_unit(user)
    return unit is not None and unit == _task_lead(task)


def require_view_task(user, task) -> None:
    if not can_view_task(user, task):
        raise PermissionDenied(_("您无权查看该任务。"))


def require_report_task(user, task) -> None:
    if not can_report_task(user, task):
        raise PermissionDenied(_("只有牵头单位可以填报该任务的进展。"))


def require_contribute_task(user, task) -> tuple[str, str]:
    """A supporting unit's staff add their part; returns their unit."""
    unit = user_unit(user)
    if unit is None or unit not in _task_supporters(task):
        raise PermissionDenied(_("只有配合单位可以填写配合进展。"))
    return unit


def require_assign_tasks(user) -> None:
    if not is_official(user):
        raise PermissionDenied(_("仅市级部门可以分配任务。"))


def require_decide_tasks(user) -> None:
    if not is_official(user):
        raise PermissionDenied(_("仅市级部门可以审核任务进展。"))


def can_view_department(user, department_code: str) -> bool:
    """A department's page: officials, and the department's own staff."""
    return is_official(user) or user_department_code(user) == department_code


def require_view_department(user, department_code: str) -> None:
    if not can_view_department(user, department_code):
        raise PermissionDenied(_("您无权查看该部门的页面。"))


def can_view_job(user, owner_id: int) -> bool:
    """A background job (its progress and its file): the user who started it, and officials."""
    return user.is_authenticated and (user.pk == owner_id or is_official(user))


def require_job(user, owner_id: int) -> None:
    if not can_view_job(user, owner_id):
        raise PermissionDenied(_("该文件由他人生成，您无权查看。"))
