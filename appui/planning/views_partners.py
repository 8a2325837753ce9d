"""Partners and resources of the catalogue (seed 001), and the publication of a remarkable
action (seed 000): coordinators edit, staff read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appui.schools.access import school_access
from appui.schools.form_saving import save_form

from . import partners
from .forms import PartnerForm, ResourceForm
from .models import Module, Partner, Resource
from .services import catalogue_save


@login_required
def partner_list(request):
    access = school_access(request, lambda a: a.is_staff_member)
    counts = {
        "module_count": Count("modules", distinct=True),
        "session_count": Count("sessions", distinct=True),
    }
    return render(
        request,
        "planning/partner_list.html",
        {
            "partners": Partner.objects.filter(school=access.school).annotate(**counts),
            "resources": Resource.objects.filter(school=access.school).annotate(**counts),
            "can_edit": access.can_coordinate,
        },
    )


def _edit(request, model, form_class, pk, template, saved, deleted):
    access = school_access(request, lambda a: a.is_staff_member)
    # Another school's row answers 404 before any role check (its existence is not told).
    row = (
        get_object_or_404(model, pk=pk, school=access.school) if pk else model(school=access.school)
    )
    if not access.can_coordinate:
        raise PermissionDenied
    form = form_class(request.POST or None, instance=row, school=access.school)
    if request.method == "POST":
        if request.POST.get("delete") and row.pk:
            try:
                partners.partner_or_resource_delete(row=row)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
            messages.success(request, deleted)
            return redirect("planning:partner-list")
        if save_form(
            request,
            form,
            lambda: catalogue_save(form=form, version=form.cleaned_data["version"] if pk else None),
            saved,
        ):
            return redirect("planning:partner-list")
    return render(
        request, template, {"form": form, "row": row, "in_use": row.pk and partners.in_use(row)}
    )


@login_required
def partner_edit(request, pk: int | None = None):
    return _edit(
        request,
        Partner,
        PartnerForm,
        pk,
        "planning/partner_form.html",
        _("Partner saved."),
        _("Partner deleted."),
    )


@login_required
def resource_edit(request, pk: int | None = None):
    return _edit(
        request,
        Resource,
        ResourceForm,
        pk,
        "planning/resource_form.html",
        _("Resource saved."),
        _("Resource deleted."),
    )


@login_required
@require_POST
def module_publication(request, pk: int):
    """Publishes or takes down the public page of a remarkable action."""
    access = school_access(request, lambda a: a.is_staff_member)
    module = get_object_or_404(Module, pk=pk, school=access.school)
    if not access.can_coordinate:
        raise PermissionDenied
    try:
        if request.POST.get("action") == "publish":
            partners.module_publish(module=module)
            messages.success(request, _("The remarkable action is on its public page."))
        else:
            partners.module_unpublish(module=module)
            messages.success(request, _("The public page is taken down."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("planning:module-edit", pk=module.pk)
