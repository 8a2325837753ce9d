"""The school's side of logins (docs/connexion.md): who must use a second step, and the
accounts the head looks after on « Paramètres › Connexions »."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from appui.accounts import selectors as account_selectors
from appui.accounts.models import User

from .models import Membership, School

Role = Membership.Role
SECOND_STEP_ROLES = (Role.HEAD, Role.COORDINATOR)
STAFF_ROLES = (Role.HEAD, Role.COORDINATOR, Role.TEACHER, Role.TUTOR)


def totp_required_for(user: User) -> bool:
    """Head or coordinator of a school that requires a second login step."""
    return Membership.objects.filter(
        user=user, role__in=SECOND_STEP_ROLES, school__totp_required=True
    ).exists()


@dataclass
class LoginAccount:
    user: User
    roles: list[str]
    locked: bool
    has_totp: bool

    @property
    def has_password(self) -> bool:
        return self.user.has_usable_password()

    @property
    def is_head(self) -> bool:
        return Role.HEAD.label in self.roles


def login_accounts(school: School) -> list[LoginAccount]:
    """The school's staff accounts, and any other member's account locked out now; four
    queries whatever the number of accounts."""
    locked = account_selectors.locked_usernames()
    memberships = (
        Membership.objects.filter(school=school, user__is_superuser=False)
        .filter(Q(role__in=STAFF_ROLES) | Q(user__username__in=locked))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    )
    rows: dict[int, LoginAccount] = {}
    for membership in memberships:
        row = rows.get(membership.user_id)
        if row is None:
            row = rows[membership.user_id] = LoginAccount(
                user=membership.user,
                roles=[],
                locked=membership.user.username in locked,
                has_totp=False,
            )
        row.roles.append(str(membership.get_role_display()))
    with_totp = account_selectors.totp_user_ids(rows)
    for user_id, row in rows.items():
        row.has_totp = user_id in with_totp
    return sorted(rows.values(), key=lambda row: (not row.locked,))


def school_account(school: School, user_id: int) -> User:
    """A member of ``school`` the head may act on (never a superuser); 404 otherwise."""
    user = (
        User.objects.filter(pk=user_id, is_superuser=False, memberships__school=school)
        .distinct()
        .first()
    )
    if user is None:
        raise Http404
    return user


def is_head_of(school: School, user: User) -> bool:
    return Membership.objects.filter(user=user, school=school, role=Role.HEAD).exists()
