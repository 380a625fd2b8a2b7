"""The people every test talks about, named once (STYLE.md)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from tracker.models import Alert, Patient, TreatmentStop, User
from tracker.notifications import links
from tracker.services import invites
from tracker.services.status import refresh_patient

from .browser import browser, page  # noqa: F401 (fixtures for the test_browser_* files)
from .factories import (
    ClinicFactory,
    EntryFactory,
    PatientFactory,
    PrescriptionFactory,
    UserFactory,
    with_totp,
)


@pytest.fixture(autouse=True, scope="session")
def _flush_may_empty_the_audit_log():
    """The audit table refuses DELETE (migration 0007); emptying the test database between
    transactional tests is the one purge allowed."""
    from django.core.management.commands import flush

    from tracker.models.audit import audit_purge

    original = flush.Command.handle

    def handle(self, *args, **options):
        with audit_purge():
            return original(self, *args, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


# Every test but the browser's runs at the same instant, midday far from midnight and the
# 04:00 day boundary, so no result depends on when the suite runs. Time still moves on
# from there (tick), as sessions and one-time codes need. Browser tests keep the real
# clock: Chromium's cookies and its own clock would disagree with a travelled server; so
# do tests with worker processes of their own (marked real_clock).
PINNED = dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock(request):
    if request.node.get_closest_marker("browser") or request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(PINNED, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CHARTJS_SOURCE = "local"  # no network here; `make test` installs the copy
    cache.clear()


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Riverside Pain Clinic")


@pytest.fixture
def foreign_clinic(db):
    return ClinicFactory(name="Hilltop Clinic")


@pytest.fixture
def clinician(clinic) -> User:
    return with_totp(
        UserFactory(
            email="dr.okafor@example.org",
            first_name="Chidi",
            last_name="Okafor",
            role=User.Role.CLINICIAN,
            clinic=clinic,
        )
    )


@pytest.fixture
def other_clinician(clinic) -> User:
    return with_totp(
        UserFactory(
            email="dr.lind@example.org",
            first_name="Sofia",
            last_name="Lind",
            role=User.Role.CLINICIAN,
            clinic=clinic,
        )
    )


@pytest.fixture
def foreign_clinician(foreign_clinic) -> User:
    return with_totp(
        UserFactory(
            email="dr.moreau@example.org",
            first_name="Luc",
            last_name="Moreau",
            role=User.Role.CLINICIAN,
            clinic=foreign_clinic,
        )
    )


@pytest.fixture
def clinic_admin(clinic) -> User:
    # The named people have fixed names: a random "Adams" matched a search for Ada.
    admin = UserFactory(
        email="admin@example.org",
        first_name="Alex",
        last_name="Morgan",
        role=User.Role.CLINIC_ADMIN,
        clinic=clinic,
    )
    return with_totp(admin)


@pytest.fixture
def foreign_admin(foreign_clinic) -> User:
    return with_totp(
        UserFactory(
            email="admin@hilltop.example.org",
            first_name="Hana",
            last_name="Berg",
            role=User.Role.CLINIC_ADMIN,
            clinic=foreign_clinic,
        )
    )


@pytest.fixture
def patient(clinic, clinician) -> Patient:
    patient = PatientFactory(
        user__email="ada@example.org",
        user__first_name="Ada",
        user__last_name="Lovell",
        user__clinic=clinic,
        clinician=clinician,
    )
    PrescriptionFactory(patient=patient)
    return patient


@pytest.fixture
def other_patient(clinic, other_clinician) -> Patient:
    patient = PatientFactory(
        user__email="ben@example.org",
        user__first_name="Ben",
        user__last_name="White",
        user__clinic=clinic,
        clinician=other_clinician,
    )
    PrescriptionFactory(patient=patient)
    return patient


@pytest.fixture
def patient_client(client, patient):
    client.force_login(patient.user)
    return client


@pytest.fixture
def client_class():
    """Another browser: a fresh test client per call."""
    return Client


@pytest.fixture
def objects(patient, other_patient, clinic, clinic_admin):
    """The ids a path may name: `patient` (assigned to `clinician`), one of their alerts,
    an invite of `clinic` and its link token."""
    EntryFactory(patient=patient, opioid_taken=True)
    refresh_patient(patient)
    pending, token = invites.invite(
        clinic=clinic, by=clinic_admin, email="new@example.org", role="clinician",
        first_name="New",
    )  # fmt: skip
    stop = TreatmentStop.objects.create(
        patient=patient, on=patient.diary_today(), reason="patient", reported_by=patient.user
    )
    return {
        "patient": patient.pk,
        "alert": Alert.objects.get(patient=patient).pk,
        "stop": stop.pk,
        "invite": pending.pk,
        "token": token,
        "person": other_patient.user.pk,
        "colleague": other_patient.clinician_id,  # a clinician of `clinic` (Dr Lind)
        "stop_token": links.stop_token(patient),
    }
