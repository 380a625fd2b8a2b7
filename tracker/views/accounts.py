"""Finding your way home, and joining a clinic from an invite link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.accounts import SetPasswordForm
from ..forms.clinician import NotificationsForm
from ..forms.patient import ReminderForm, reminder_channels
from ..models import Patient, User
from ..models.diary import in_force
from ..notifications import links
from ..notifications.channels import vapid_private_key, vapid_public_key
from ..security.client_ip import client_ip
from ..services import invites, reminders


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page their role starts on."""
    role = getattr(request.user, "role", None)
    if getattr(request.user, "is_superuser", False) and not request.user.clinic_id:  # type: ignore[union-attr]
        return redirect("admin:index")  # the platform operator, who belongs to no clinic
    if role == User.Role.PATIENT:
        # The first sign-in asks the enrolment questions first (SPEC §13).
        answered = Patient.objects.filter(
            user_id=request.user.pk or 0, enrolment_answered_on__isnull=False
        )
        return redirect("diary" if answered.exists() else "enrolment")
    if role == User.Role.CLINICIAN:
        return redirect("clinician_panel")
    if role == User.Role.CLINIC_ADMIN:
        return redirect("admin_accounts")
    return render(request, "home.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invite(request: HttpRequest, token: str) -> HttpResponse:
    """The invite link: whoever holds it chooses a password, once, within 72 hours."""
    pending = invites.find_invite(token)
    problem = invites.invite_problem(pending)
    if problem or pending is None:
        return render(request, "account/accept_invite.html", {"problem": problem}, status=410)
    applicant = User(
        email=pending.email, first_name=pending.first_name, last_name=pending.last_name
    )
    form = SetPasswordForm(request.POST or None, user=applicant)
    if request.method == "POST" and form.is_valid():
        try:
            invites.accept(
                token=token, password=form.cleaned_data["password1"], ip=client_ip(request)
            )
        except invites.InviteError as error:
            return render(
                request, "account/accept_invite.html", {"problem": str(error)}, status=410
            )
        messages.success(request, _("Your password is set. Sign in to continue."))
        return redirect("account_login")
    return render(request, "account/accept_invite.html", {"form": form, "invite": pending})


@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    """Everyone's settings: their account's pages (password, email, sessions, two-factor),
    and what their role may choose (a patient's reminders, a clinician's alert emails)."""
    user = request.user
    context: dict[str, object] = {}
    patient = Patient.objects.filter(user__pk=user.pk).first() if user.is_authenticated else None
    if patient is not None:
        today = patient.diary_today()
        prescriptions = sorted(
            patient.prescriptions.active(), key=lambda rx: (rx.start_date, rx.pk)
        )
        context |= {
            "patient": patient,
            "current": in_force(prescriptions, today),
            "upcoming": [rx for rx in prescriptions if rx.start_date > today],
            "evaluation": patient.status(),
            "reminder_form": ReminderForm(
                initial={
                    "reminders": "yes" if patient.reminders else "no",
                    "reminder_time": patient.reminder_time,
                    "reminder_channel": patient.reminder_channel,
                },
                channels=reminder_channels(),
            ),
            "vapid_public_key": vapid_public_key() if vapid_private_key() else "",
            "push_devices": patient.user.push_subscriptions.count(),
        }
    if getattr(user, "is_clinician", False):
        context["notifications_form"] = NotificationsForm(
            initial={"urgent_alert_emails": "yes" if user.urgent_alert_emails else "no"}  # type: ignore[union-attr]
        )
    return render(request, "settings.html", context)


@login_not_required
@csrf_exempt  # the link in the email is the key; mail apps post here for one-click stops
@require_http_methods(["GET", "POST"])
def stop_reminders(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every reminder: stops them without signing in (RFC 8058 one-click from
    the mail app posts here). Opening it asks first, so a link scanner stops nothing."""
    patient = links.patient_for(token)
    if patient is None:
        return render(request, "account/stop_reminders.html", {"invalid": True}, status=404)
    if request.method == "POST":
        reminders.stop(patient, ip=client_ip(request))
        return render(request, "account/stop_reminders.html", {"stopped": True})
    return render(request, "account/stop_reminders.html", {"active": patient.reminders})
