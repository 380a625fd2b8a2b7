"""The clinic admin's pages: accounts, invites, assignments and the audit log. An admin
sees who has an account and what happened, never what anyone logged in their diary."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access import clinic_admin_required
from ..formatting import short_day
from ..forms.clinic_admin import (
    ACCOUNT_SORTS,
    AccountFilters,
    AssignForm,
    AuditFilters,
    InviteForm,
    ReassignForm,
)
from ..models import (
    AuditEvent,
    ClinicalReview,
    DailyEntry,
    Invite,
    Notification,
    Patient,
    SendKind,
    SendStatus,
    User,
)
from ..security.client_ip import client_ip
from ..services import accounts, invites
from ..tables.sorting import Sorting, kept


def _clinicians(admin: User):  # type: ignore[no-untyped-def]
    return User.objects.filter(clinic=admin.clinic, role=User.Role.CLINICIAN, is_active=True)


@require_GET
@clinic_admin_required
def accounts_list(request: HttpRequest, *, admin: User) -> HttpResponse:
    """The clinic's people, searched and sorted from the URL; invites not yet used; and a
    prompt for each deactivated clinician who still has patients."""
    filters = AccountFilters(request.GET)
    filters.is_valid()  # what is not valid is left out
    chosen = filters.cleaned_data
    people = User.objects.filter(clinic=admin.clinic).select_related("patient__clinician")
    for word in chosen.get("q", "").split():
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    if chosen.get("role"):
        people = people.filter(role=chosen["role"])
    if chosen.get("status"):
        people = people.filter(is_active=chosen["status"] == "active")
    sort = chosen.get("sort") or "role"
    people = people.order_by(*ACCOUNT_SORTS[sort])
    last_send = Notification.objects.filter(invite=OuterRef("pk"), kind=SendKind.INVITE).order_by(
        "-created_at", "-id"
    )
    filters_kept = kept(request.GET, ("q", "role", "status"))
    sorting = Sorting(here=reverse("admin_accounts"), kept=filters_kept, sort=sort, default="")
    context = {
        "people": people,
        "filters": filters,
        "columns": sorting.columns(("name", "status", "last_login")),
        "filtered": bool(filters_kept),
        "invites": Invite.objects.filter(clinic=admin.clinic, accepted_at__isnull=True)
        .select_related("invited_by")
        .annotate(delivery=Subquery(last_send.values("status")[:1]))[:100],
        "clinicians": _clinicians(admin),
        "orphaned": accounts.deactivated_with_patients(admin.clinic),  # type: ignore[arg-type]
    }
    return render(request, "clinic_admin/accounts.html", context)


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def invite(request: HttpRequest, *, admin: User) -> HttpResponse:
    form = InviteForm(request.POST or None, clinicians=_clinicians(admin))
    if request.method == "POST" and form.is_valid():
        try:
            invites.invite(
                clinic=admin.clinic,  # type: ignore[arg-type]  # set: clinic_admin_required
                by=admin,
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except invites.InviteError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request, _("Invite sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("admin_accounts")
    return render(request, "clinic_admin/invite.html", {"form": form})


def _invite(admin: User, pk: int) -> Invite:
    return get_object_or_404(Invite.objects.filter(clinic=admin.clinic), pk=pk)


@require_POST
@clinic_admin_required
def resend_invite(request: HttpRequest, pk: int, *, admin: User) -> HttpResponse:
    pending = _invite(admin, pk)
    try:
        invites.resend(
            invite=pending,
            by=admin,
            ip=client_ip(request),
        )
    except invites.InviteError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("A new link was sent to %(email)s; the old one no longer works.")
            % {"email": pending.email},
        )
    return redirect("admin_accounts")


@require_POST
@clinic_admin_required
def revoke_invite(request: HttpRequest, pk: int, *, admin: User) -> HttpResponse:
    pending = _invite(admin, pk)
    try:
        invites.revoke(invite=pending, by=admin, ip=client_ip(request))
    except invites.InviteError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The invite for %(email)s was revoked.") % {"email": pending.email}
        )
    return redirect("admin_accounts")


@require_POST
@clinic_admin_required
def set_active(request: HttpRequest, pk: int, *, admin: User) -> HttpResponse:
    """Reactivate at once; deactivate after a confirmation page that says what it does
    (and, for a clinician with patients, offers to reassign them in the same step)."""
    person = get_object_or_404(User.objects.filter(clinic=admin.clinic), pk=pk)
    active = request.POST.get("active") == "yes"
    patients = Patient.objects.filter(clinician=person).select_related("user")
    form = ReassignForm(request.POST, clinicians=_clinicians(admin).exclude(pk=person.pk))
    # The list's button asks first (`ask`): the page says what deactivating does.
    if not active and (request.POST.get("ask") == "yes" or not form.is_valid()):
        listed = patients.order_by("user__last_name", "user__first_name", "pk")
        context = {"person": person, "patients": listed, "form": form}
        return render(request, "clinic_admin/confirm_deactivate.html", context)
    try:
        with transaction.atomic():
            accounts.set_active(user=person, active=active, by=admin, ip=client_ip(request))
            moved = 0
            if not active and form.cleaned_data.get("clinician"):
                moved = accounts.reassign_all(
                    from_clinician=person, to=form.cleaned_data["clinician"], by=admin,
                    ip=client_ip(request),
                )  # fmt: skip
    except accounts.AccountError as error:
        messages.error(request, str(error))
    else:
        done = (
            _("%(name)s was reactivated.")
            if active
            else _("%(name)s was deactivated; their sessions have ended.")
        )
        messages.success(request, done % {"name": person.display_name})
        if moved:
            messages.success(
                request,
                _("%(n)s patients moved to %(who)s.")
                % {"n": moved, "who": form.cleaned_data["clinician"].display_name},
            )
    return redirect("admin_accounts")


@require_POST
@clinic_admin_required
def reassign(request: HttpRequest, pk: int, *, admin: User) -> HttpResponse:
    """Move every patient of one clinician (e.g. one who left) to another."""
    person = get_object_or_404(
        User.objects.filter(clinic=admin.clinic, role=User.Role.CLINICIAN), pk=pk
    )
    form = ReassignForm(request.POST, clinicians=_clinicians(admin).exclude(pk=person.pk))
    if form.is_valid() and form.cleaned_data["clinician"]:
        to = form.cleaned_data["clinician"]
        moved = accounts.reassign_all(from_clinician=person, to=to, by=admin, ip=client_ip(request))
        messages.success(
            request, _("%(n)s patients moved to %(who)s.") % {"n": moved, "who": to.display_name}
        )
    else:
        messages.error(request, _("Choose the clinician to take over these patients."))
    return redirect("admin_accounts")


@require_POST
@clinic_admin_required
def assign(request: HttpRequest, pk: int, *, admin: User) -> HttpResponse:
    patient = get_object_or_404(
        Patient.objects.filter(user__clinic=admin.clinic).select_related("user"), pk=pk
    )
    form = AssignForm(request.POST, clinicians=_clinicians(admin))
    if form.is_valid():
        clinician = form.cleaned_data["clinician"]
        accounts.assign(patient=patient, clinician=clinician, by=admin, ip=client_ip(request))
        who = clinician.display_name if clinician else _("nobody")
        messages.success(
            request,
            _("%(patient)s is now assigned to %(who)s.")
            % {"patient": patient.user.display_name, "who": who},
        )
    else:
        messages.error(request, _("Choose a clinician of this clinic."))
    return redirect("admin_accounts")


@require_GET
@clinic_admin_required
def audit_log(request: HttpRequest, *, admin: User) -> HttpResponse:
    filters = AuditFilters(request.GET)
    events = AuditEvent.objects.filter(clinic=admin.clinic).select_related(
        "actor", "patient__user", "subject"
    )
    if filters.is_valid():
        data = filters.cleaned_data
        if data["person"]:
            events = events.filter(
                Q(actor_email__icontains=data["person"])
                | Q(subject__email__icontains=data["person"])
            )
        if data["patient"]:
            events = events.filter(patient__user__email__icontains=data["patient"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    _describe(list(page), admin)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "query": query.urlencode()}
    return render(request, "clinic_admin/audit.html", context)


def _describe(events: list[AuditEvent], admin: User) -> None:
    """Name what each event was about in the admin's words (issue 23): the diary day, the
    invitee, the review point; not "daily entry 684". One query per kind on the page, each
    kept to the admin's clinic."""

    def ids(kind: str) -> set[int]:
        return {int(e.object_id) for e in events if e.object_type == kind and e.object_id.isdigit()}

    words: dict[tuple[str, str], str] = {}
    for entry in DailyEntry.objects.filter(
        pk__in=ids("dailyentry"), patient__user__clinic=admin.clinic
    ).only("pk", "date"):
        words["dailyentry", str(entry.pk)] = _("diary day %(day)s") % {
            "day": short_day(entry.date, year=True)
        }
    for invite in Invite.objects.filter(pk__in=ids("invite"), clinic=admin.clinic).only(
        "pk", "email"
    ):
        words["invite", str(invite.pk)] = _("invite to %(email)s") % {"email": invite.email}
    for review in ClinicalReview.objects.filter(
        pk__in=ids("clinicalreview"), patient__user__clinic=admin.clinic
    ).only("pk", "point", "course"):
        words["clinicalreview", str(review.pk)] = _("review point %(point)s, course %(course)s") % {
            "point": review.point,
            "course": review.course,
        }
    for event in events:
        event.described = words.get((event.object_type, event.object_id), event.object_label)  # type: ignore[attr-defined]


@require_GET
@clinic_admin_required
def sends(request: HttpRequest, *, admin: User) -> HttpResponse:
    """What the product sent for this clinic: who, what kind, when, how it went. Never what
    a message said: it is not stored."""
    rows = Notification.objects.filter(clinic=admin.clinic).select_related("recipient", "invite")
    status = request.GET.get("status", "")
    if status in SendStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": SendStatus.choices}
    return render(request, "clinic_admin/sends.html", context)
