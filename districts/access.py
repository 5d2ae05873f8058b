"""The one place that decides who may see or change which district's figures (DESIGN.md: one home for access)."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

COUNTY_STAFF = "county_staff"
CITY_OFFICIAL = "city_official"
ADMIN = "plan_admin"
ROLE_GROUPS = (COUNTY_STAFF, CITY_OFFICIAL, ADMIN)


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


def role_of(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    if is_admin(user):
        return "admin"
    if is_official(user):
        return "official"
    if COUNTY_STAFF in _groups(user) and user_district_code(user):
        return "county_staff"
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
