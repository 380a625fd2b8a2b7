"""The clinic admin's screens: accounts, invites, activation, assignment, audit log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from tracker.models import AuditEvent, Invite, Patient, User
from tracker.services import invites

from .factories import EntryFactory, login


@pytest.fixture
def admin_client(client, clinic_admin, django_capture_on_commit_callbacks):
    """The admin's browser; what their requests do on commit (email) happens at once."""

    class Committing:
        def get(self, *args, **kwargs):
            return client.get(*args, **kwargs)

        def post(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

    login(client, clinic_admin)
    return Committing()


def invite_patient(client, clinician, **overrides):
    data = {
        "role": "patient",
        "first_name": "Cleo",
        "last_name": "Reyes",
        "email": "cleo@example.org",
        "clinician": str(clinician.pk),
        "condition": "fibromyalgia",
        "primary_outcome": "pain",
    }
    data.update(overrides)
    return client.post("/clinic-admin/invite/", data)


def link_token(message) -> str:
    return re.search(r"/invite/([\w-]+)/", message.body).group(1)


def test_the_accounts_list_shows_people_but_no_diary(admin_client, patient, clinician):
    EntryFactory(patient=patient, note="private diary words")
    html = admin_client.get("/clinic-admin/").content.decode()
    assert patient.user.email in html and clinician.email in html
    assert "Clinician" in html and "Active" in html and "never" in html
    assert "private diary words" not in html


def test_an_admin_sees_only_their_own_clinic(admin_client, foreign_clinician):
    assert foreign_clinician.email not in admin_client.get("/clinic-admin/").content.decode()


def test_inviting_a_patient_sends_a_single_use_link(admin_client, clinician, clinic, client_class):
    response = invite_patient(admin_client, clinician)
    assert response.status_code == 302
    invite = Invite.objects.get(email="cleo@example.org")
    assert (invite.role, invite.clinic, invite.clinician) == ("patient", clinic, clinician)
    assert len(mail.outbox) == 1
    token = link_token(mail.outbox[0])
    assert invite.token_hash != token  # only a hash is kept
    assert AuditEvent.objects.filter(action="invite_sent").exists()

    newcomer = client_class()
    form = newcomer.get(f"/invite/{token}/")
    assert "Choose a password" in form.content.decode()
    newcomer.post(
        f"/invite/{token}/",
        {"password1": "a long new password", "password2": "a long new password"},
    )
    user = User.objects.get(email="cleo@example.org")
    assert (user.role, user.clinic) == ("patient", clinic)
    assert Patient.objects.get(user=user).clinician == clinician
    assert newcomer.get(f"/invite/{token}/").status_code == 410  # used up
    signed_in = newcomer.post(
        "/accounts/login/", {"login": "cleo@example.org", "password": "a long new password"}
    )
    assert signed_in["Location"] == "/"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pw", "too short"),
        ("password1234", "too common"),
        ("123456789012", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(admin_client, clinician, client_class, password, message):
    invite_patient(admin_client, clinician)
    token = link_token(mail.outbox[0])
    response = client_class().post(
        f"/invite/{token}/", {"password1": password, "password2": password}
    )
    assert message in response.content.decode()
    assert not User.objects.filter(email="cleo@example.org").exists()


def test_an_expired_link_is_refused(admin_client, clinician, client_class):
    invite_patient(admin_client, clinician)
    Invite.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client_class().get(f"/invite/{link_token(mail.outbox[0])}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_resending_replaces_the_link_and_revoking_cancels_it(admin_client, clinician, client_class):
    invite_patient(admin_client, clinician)
    first = link_token(mail.outbox[0])
    invite = Invite.objects.get()
    admin_client.post(f"/clinic-admin/invites/{invite.pk}/resend/")
    second = link_token(mail.outbox[1])
    assert client_class().get(f"/invite/{first}/").status_code == 410
    assert client_class().get(f"/invite/{second}/").status_code == 200
    admin_client.post(f"/clinic-admin/invites/{invite.pk}/revoke/")
    assert "withdrawn" in client_class().get(f"/invite/{second}/").content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"invite_sent", "invite_resent", "invite_revoked"} <= actions


def test_an_address_with_an_account_or_an_invite_cannot_be_invited_again(
    admin_client, clinician, patient
):
    response = invite_patient(admin_client, clinician, email=patient.user.email)
    assert "already has an account" in response.content.decode()
    invite_patient(admin_client, clinician)
    response = invite_patient(admin_client, clinician)
    assert "already has an invite waiting" in response.content.decode()
    assert Invite.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".org"}, "email"),  # 260 chars
        ({"email": "x" * 64 + "@" + ".".join(["y" * 60] * 4) + ".org"}, "email"),  # 313 chars
        ({"first_name": ""}, "first_name"),
        ({"role": "clinic_admin"}, "role"),  # admins invite patients and clinicians only
        ({"role": "superuser"}, "role"),
        ({"condition": ""}, "condition"),
    ],
)
def test_bad_invites_are_explained_and_change_nothing(admin_client, clinician, overrides, field):
    response = invite_patient(admin_client, clinician, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Invite.objects.exists() and not mail.outbox


def test_forged_clinic_or_foreign_clinician_ids_are_refused(
    admin_client, foreign_clinician, foreign_clinic, clinic
):
    response = invite_patient(admin_client, foreign_clinician, clinic=str(foreign_clinic.pk))
    assert "clinician" in response.context["form"].errors
    assert not Invite.objects.exists()


def test_deactivating_and_reactivating(admin_client, clinician):
    admin_client.post(f"/clinic-admin/people/{clinician.pk}/active/", {"active": "no"})
    clinician.refresh_from_db()
    assert not clinician.is_active
    admin_client.post(f"/clinic-admin/people/{clinician.pk}/active/", {"active": "yes"})
    clinician.refresh_from_db()
    assert clinician.is_active
    assert AuditEvent.objects.filter(action="account_reactivated", subject=clinician).exists()


def test_an_admin_cannot_deactivate_themselves(admin_client, clinic_admin):
    admin_client.post(f"/clinic-admin/people/{clinic_admin.pk}/active/", {"active": "no"})
    clinic_admin.refresh_from_db()
    assert clinic_admin.is_active


def test_another_clinics_people_are_not_found(admin_client, foreign_clinician):
    response = admin_client.post(f"/clinic-admin/people/{foreign_clinician.pk}/active/")
    assert response.status_code == 404
    foreign_clinician.refresh_from_db()
    assert foreign_clinician.is_active


def test_reassigning_a_patient(admin_client, patient, other_clinician):
    admin_client.post(
        f"/clinic-admin/patients/{patient.pk}/assign/", {"clinician": other_clinician.pk}
    )
    patient.refresh_from_db()
    assert patient.clinician == other_clinician
    assert AuditEvent.objects.filter(action="patient_assigned", patient=patient).exists()


def test_a_patient_cannot_be_assigned_to_another_clinics_clinician(
    admin_client, patient, clinician, foreign_clinician
):
    admin_client.post(
        f"/clinic-admin/patients/{patient.pk}/assign/", {"clinician": foreign_clinician.pk}
    )
    patient.refresh_from_db()
    assert patient.clinician == clinician


def test_the_audit_log_filters_and_pages(
    admin_client, clinic_admin, clinician, patient, foreign_admin
):
    from tracker import audit
    from tracker.models import AuditAction

    for _ in range(60):
        audit.record(actor=clinician, action=AuditAction.VIEW_RECORD, patient=patient)
    audit.record(actor=foreign_admin, action=AuditAction.SIGN_IN)
    page = admin_client.get("/clinic-admin/audit/?action=view_record")
    assert page.context["page"].paginator.count == 60
    assert len(page.context["page"].object_list) == 50
    second = admin_client.get("/clinic-admin/audit/?action=view_record&page=2")
    assert len(second.context["page"].object_list) == 10
    by_patient = admin_client.get(f"/clinic-admin/audit/?patient={patient.user.email}")
    assert by_patient.context["page"].paginator.count == 60
    by_person = admin_client.get("/clinic-admin/audit/?person=dr.okafor")
    assert by_person.context["page"].paginator.count == 60
    today = timezone.localdate().isoformat()
    dated = admin_client.get(f"/clinic-admin/audit/?since={today}&until={today}")
    assert dated.context["page"].paginator.count >= 60
    everything = admin_client.get("/clinic-admin/audit/").content.decode()
    assert foreign_admin.email not in everything  # another clinic's events stay there


def test_the_operator_creates_a_clinic_and_its_first_admin(db, client):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "create_clinic",
        "Seaside Clinic",
        admin_email="lee@seaside.example",
        admin_first_name="Lee",
        stdout=out,
    )
    token = re.search(r"/invite/([\w-]+)/", out.getvalue()).group(1)
    client.post(
        f"/invite/{token}/",
        {"password1": "a long new password", "password2": "a long new password"},
    )
    admin = User.objects.get(email="lee@seaside.example")
    assert (admin.role, admin.clinic.name) == ("clinic_admin", "Seaside Clinic")
    assert invites.find_invite(token).status == "accepted"


# Issue 14: the accounts list searched and sorted, a confirmation before deactivating, a
# prompt to reassign a deactivated clinician's patients, and an audit log in words.


def _names(response):
    return [person.email for person in response.context["people"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=okafor", ["dr.okafor@example.org"]),
        ("q=ADA", ["ada@example.org"]),
        ("role=patient", ["ada@example.org", "ben@example.org"]),
        ("q=nobody", []),
        ("role=wizard", None),  # not a role: ignored, everyone shown
        ("sort=sideways", None),
    ],
)
def test_the_accounts_list_is_searched_and_sorted_from_the_url(
    admin_client, patient, other_patient, query, expected
):
    response = admin_client.get(f"/clinic-admin/?{query}")
    assert response.status_code == 200
    found = _names(response)
    if expected is None:
        assert len(found) == 5  # the admin, two clinicians, two patients
    else:
        assert sorted(found) == expected  # which people; their order is tested below


def test_names_sort_both_ways(admin_client, clinician, other_clinician):
    people = sorted(
        [clinician, other_clinician], key=lambda u: (u.last_name, u.first_name, u.email)
    )
    emails = [u.email for u in people]
    assert _names(admin_client.get("/clinic-admin/?role=clinician&sort=name")) == emails
    assert _names(admin_client.get("/clinic-admin/?role=clinician&sort=-name")) == emails[::-1]


def test_the_sorted_column_is_marked_and_links_the_other_way(admin_client, patient):
    html = admin_client.get("/clinic-admin/?sort=name&role=patient").content.decode()
    assert (
        'aria-sort="ascending"><a href="/clinic-admin/?role=patient&amp;sort=-name">Name</a>'
        in html
    )


def test_deactivating_asks_first_and_offers_to_move_the_patients(
    admin_client, clinician, other_clinician, patient
):
    page = admin_client.post(
        f"/clinic-admin/people/{clinician.pk}/active/", {"active": "no", "ask": "yes"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Deactivate {clinician.display_name}?" in html
    assert "has 1 patient" in html and patient.user.display_name in html
    clinician.refresh_from_db()
    assert clinician.is_active  # nothing changed yet

    admin_client.post(
        f"/clinic-admin/people/{clinician.pk}/active/",
        {"active": "no", "clinician": str(other_clinician.pk)},
    )
    clinician.refresh_from_db()
    patient.refresh_from_db()
    assert not clinician.is_active and patient.clinician == other_clinician
    assert AuditEvent.objects.filter(action="patient_assigned", patient=patient).exists()


def test_a_deactivated_clinicians_patients_are_flagged_until_moved(
    admin_client, clinician, other_clinician, patient
):
    admin_client.post(f"/clinic-admin/people/{clinician.pk}/active/", {"active": "no"})
    html = admin_client.get("/clinic-admin/").content.decode()
    assert f"{clinician.display_name} is deactivated but still has 1 patient" in html

    refused = admin_client.post(f"/clinic-admin/people/{clinician.pk}/reassign/", {"clinician": ""})
    assert refused.status_code == 302
    patient.refresh_from_db()
    assert patient.clinician == clinician

    admin_client.post(
        f"/clinic-admin/people/{clinician.pk}/reassign/", {"clinician": str(other_clinician.pk)}
    )
    patient.refresh_from_db()
    assert patient.clinician == other_clinician
    assert "is deactivated but still has" not in admin_client.get("/clinic-admin/").content.decode()


def test_patients_cannot_be_moved_to_another_clinics_clinician(
    admin_client, clinician, foreign_clinician, patient
):
    admin_client.post(
        f"/clinic-admin/people/{clinician.pk}/reassign/", {"clinician": str(foreign_clinician.pk)}
    )
    patient.refresh_from_db()
    assert patient.clinician == clinician


def test_the_audit_log_says_roles_and_objects_in_words(admin_client, clinician, patient):
    from tracker.services import clinical

    clinical.add_note(patient=patient, text="Called about sleep.", by=clinician)
    html = admin_client.get("/clinic-admin/audit/").content.decode()
    assert "(Clinician)" in html
    assert "(clinician note " in html
    assert "cliniciannote" not in html and ">clinician<" not in html
    assert "table-scroll" not in html  # wraps to the screen, no scroll box


@pytest.mark.parametrize("chosen", ["not-a-number", "999999"])
def test_a_bad_clinician_to_move_to_asks_again_and_changes_nothing(
    admin_client, clinician, patient, chosen
):
    page = admin_client.post(
        f"/clinic-admin/people/{clinician.pk}/active/", {"active": "no", "clinician": chosen}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["clinician"]
    clinician.refresh_from_db()
    patient.refresh_from_db()
    assert clinician.is_active and patient.clinician == clinician


def test_the_audit_log_names_the_diary_day_and_the_invitee(admin_client, clinic_admin, patient):
    """Issue 23: "diary day Tue 1 Dec 2026", "invite to …", never "daily entry 684"."""
    from django.test import Client

    from .factories import login, valid_form_data

    patient_client = Client()
    login(patient_client, patient.user)
    patient_client.post("/diary/", valid_form_data(patient.diary_today()))
    from tracker.services import invites

    invites.invite(
        clinic=clinic_admin.clinic, by=clinic_admin, email="nia@example.org", role="clinician",
        first_name="Nia", last_name="",
    )  # fmt: skip
    html = admin_client.get("/clinic-admin/audit/").content.decode()
    assert "(diary day " in html and "daily entry" not in html
    assert "(invite to nia@example.org)" in html


def test_the_audit_log_shows_the_patients_own_exports(admin_client, patient):
    """Issue 23: a patient downloading all their data is in their clinic's audit log."""
    from django.test import Client

    from .factories import login

    patient_client = Client()
    login(patient_client, patient.user)
    assert patient_client.get("/export/diary.json").status_code == 200
    assert patient_client.get("/export/diary.csv").status_code == 200
    html = admin_client.get("/clinic-admin/audit/").content.decode()
    assert "Downloaded all their data (JSON)" in html and "Exported the diary as CSV" in html
    assert patient.user.email in html
    only = admin_client.get("/clinic-admin/audit/?action=export_json").content.decode()
    assert "Downloaded all their data (JSON)" in only
