"""The people every test talks about, named once (STYLE.md)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tracker.models import Patient, User

from .browser import browser, page  # noqa: F401 (fixtures for the test_browser_* files)
from .factories import (
    ClinicFactory,
    PatientFactory,
    PrescriptionFactory,
    UserFactory,
    with_totp,
)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CHARTJS_SOURCE = "local"  # no network here; `make test` installs the copy
    settings.ACCOUNT_RATE_LIMITS = False  # django-axes is the lockout under test
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
        UserFactory(email="dr.okafor@example.org", role=User.Role.CLINICIAN, clinic=clinic)
    )


@pytest.fixture
def other_clinician(clinic) -> User:
    return with_totp(
        UserFactory(email="dr.lind@example.org", role=User.Role.CLINICIAN, clinic=clinic)
    )


@pytest.fixture
def foreign_clinician(foreign_clinic) -> User:
    return with_totp(
        UserFactory(email="dr.moreau@example.org", role=User.Role.CLINICIAN, clinic=foreign_clinic)
    )


@pytest.fixture
def clinic_admin(clinic) -> User:
    return with_totp(
        UserFactory(email="admin@example.org", role=User.Role.CLINIC_ADMIN, clinic=clinic)
    )


@pytest.fixture
def foreign_admin(foreign_clinic) -> User:
    return with_totp(
        UserFactory(
            email="admin@hilltop.example.org", role=User.Role.CLINIC_ADMIN, clinic=foreign_clinic
        )
    )


@pytest.fixture
def patient(clinic, clinician) -> Patient:
    patient = PatientFactory(
        user__email="ada@example.org",
        user__first_name="Ada",
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
        user__clinic=clinic,
        clinician=other_clinician,
    )
    PrescriptionFactory(patient=patient)
    return patient


@pytest.fixture
def patient_client(client, patient):
    client.force_login(patient.user)
    return client
