"""Guardians without an account, and the button that creates their accounts (head only).

Reached from the guardians import (its instructions and its result page). Accounts have no
usable password yet: signing on comes with the académie's service (a later issue).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from appui.schools.access import school_access
from appui.schools.selectors import guardians_without_account
from appui.schools.services import guardian_accounts_create

from .access import is_head

# Guardians listed a page at a time: a large school has over a thousand without an account
# (the button creates them all, whatever the page).
GUARDIAN_ROWS = 100


@login_required
def guardian_accounts(request):
    """GET: the legal guardians of present students who have no account; POST: create them."""
    access = school_access(request, is_head)
    guardians = guardians_without_account(access.school)
    if request.method == "POST":
        created = guardian_accounts_create(
            school=access.school, guardians=list(guardians), by=request.user
        )
        messages.success(
            request,
            ngettext(
                "%(count)d guardian account created.",
                "%(count)d guardian accounts created.",
                len(created),
            )
            % {"count": len(created)},
        )
        return redirect("interop:guardian-accounts")
    page = Paginator(guardians.prefetch_related("students"), GUARDIAN_ROWS).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "interop/guardian_accounts.html",
        {
            "school": access.school,
            "guardians": page,
            "page": page,
            "count": page.paginator.count,
        },
    )
