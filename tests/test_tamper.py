"""Forged clinic, role, user or patient ids in a form are ignored or refused: the server
takes them from the signed-in person and the URL's scope, never from the posted data."""

from __future__ import annotations

import re

from django.core import mail

from tracker.models import ClinicianNote, Invite, Patient, Prescription, User

from .factories import login


def test_a_note_is_written_by_the_signed_in_clinician_on_the_urls_patient(
    client, clinician, other_clinician, patient, other_patient
):
    login(client, clinician)
    client.post(
        f"/clinic/patients/{patient.pk}/notes/",
        {"text": "Checked in.", "author": other_clinician.pk, "patient": other_patient.pk},
    )
    note = ClinicianNote.objects.get()
    assert (note.author, note.patient) == (clinician, patient)


def test_a_prescription_goes_to_the_urls_patient_and_is_set_by_the_signed_in_clinician(
    client, clinician, other_clinician, patient, other_patient
):
    login(client, clinician)
    before = list(Prescription.objects.filter(patient=other_patient).values_list("pk", flat=True))
    client.post(
        f"/clinic/patients/{patient.pk}/prescription/",
        {
            "dose_mg": "2.5", "start_date": patient.diary_today().isoformat(), "timing": "bedtime",
            "usual_time": "22:00", "formulation": "capsule", "step-TOTAL_FORMS": "0",
            "step-INITIAL_FORMS": "0", "patient": other_patient.pk, "set_by": other_clinician.pk,
        },
    )  # fmt: skip
    newest = Prescription.objects.filter(dose_mg="2.5").get()
    assert (newest.patient, newest.set_by) == (patient, clinician)
    assert (
        list(Prescription.objects.filter(patient=other_patient).values_list("pk", flat=True))
        == before
    )


def test_an_invite_cannot_choose_its_clinic_or_make_an_admin(
    client, clinic_admin, foreign_clinic, clinic
):
    login(client, clinic_admin)
    client.post(
        "/clinic-admin/invite/",
        {"role": "clinician", "first_name": "Kim", "email": "kim@example.org",
         "clinic": foreign_clinic.pk, "is_superuser": "on", "primary_outcome": "pain"},
    )  # fmt: skip
    invite = Invite.objects.get()
    assert (invite.clinic, invite.role) == (clinic, "clinician")


def test_accepting_an_invite_ignores_forged_role_clinic_and_email(
    client, clinic_admin, clinic, foreign_clinic, django_capture_on_commit_callbacks
):
    login(client, clinic_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/clinic-admin/invite/",
            {"role": "clinician", "first_name": "Kim", "email": "kim@example.org",
             "primary_outcome": "pain"},
        )  # fmt: skip
    token = re.search(r"/invite/([\w-]+)/", mail.outbox[0].body).group(1)
    client.logout()
    client.post(
        f"/invite/{token}/",
        {"password1": "a long new password", "password2": "a long new password",
         "role": "clinic_admin", "clinic": foreign_clinic.pk, "email": "boss@example.org",
         "is_staff": "on", "is_superuser": "on"},
    )  # fmt: skip
    kim = User.objects.get(email="kim@example.org")
    assert (kim.role, kim.clinic, kim.is_staff, kim.is_superuser) == (
        "clinician",
        clinic,
        False,
        False,
    )
    assert not User.objects.filter(email="boss@example.org").exists()


def test_deactivation_cannot_reach_another_clinic_through_a_forged_field(
    client, clinic_admin, patient, foreign_clinician
):
    login(client, clinic_admin)
    client.post(
        f"/clinic-admin/people/{patient.user.pk}/active/",
        {"active": "no", "user": foreign_clinician.pk, "clinic": foreign_clinician.clinic_id},
    )
    foreign_clinician.refresh_from_db()
    assert foreign_clinician.is_active
    patient.user.refresh_from_db()
    assert not patient.user.is_active


def test_assignment_cannot_move_a_patient_of_another_clinic(
    client, foreign_admin, patient, clinician
):
    login(client, foreign_admin)
    response = client.post(f"/clinic-admin/patients/{patient.pk}/assign/", {"clinician": ""})
    assert response.status_code == 404
    assert Patient.objects.get(pk=patient.pk).clinician == clinician
