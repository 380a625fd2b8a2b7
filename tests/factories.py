from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tracker.models import Clinic, DailyEntry, Patient, Prescription, User
from tracker.security.second_factor import MFA_SESSION_KEY

PASSWORD = "correct horse battery staple"


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Clinic {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.PATIENT
    clinic = factory.SubFactory(ClinicFactory)
    password = factory.django.Password(PASSWORD)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    user = factory.SubFactory(UserFactory, role=User.Role.PATIENT)
    condition = "fibromyalgia"
    time_zone = "Europe/London"
    # Most tests are about patients past their first sign-in: they answered the
    # enrolment questions (no opioids, not pregnant).
    takes_opioids = False
    pregnancy = "no"
    enrolment_answered_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=90))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """As the app enrols a patient: their summary row with them."""
        from tracker.services.enrolment import enrol

        return enrol(*args, **kwargs)


class PrescriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prescription

    patient = factory.SubFactory(PatientFactory)
    dose_mg = Decimal("1.5")
    usual_time = dt.time(22, 0)
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=60))


class EntryFactory(factory.django.DjangoModelFactory):
    """A diary day, written as the app writes one: the patient's stored status follows."""

    class Meta:
        model = DailyEntry

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        entry = super()._create(model_class, *args, **kwargs)
        from tracker.services.status import refresh_patient

        refresh_patient(entry.patient)
        return entry

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyAttribute(lambda o: o.patient.diary_today())
    dose_taken = True
    dose_mg = Decimal("1.5")
    time_taken = dt.time(22, 0)
    sleep_hours = Decimal("7.5")
    sleep_quality = 3
    dreams = "normal"
    headache = 0
    pain = 5
    mood = 6


def valid_form_data(day: dt.date, **overrides: object) -> dict[str, object]:
    """What the diary form posts for an ordinary day."""
    data: dict[str, object] = {
        "date": day.isoformat(),
        "dose_taken": "yes",
        "dose_mg": "1.5",
        "time_taken": "22:00",
        "sleep_hours": "7.5",
        "sleep_quality": "3",
        "dreams": "normal",
        "headache": "0",
        "pain": "5",
        "mood": "6",
        "fatigue": "",
        "nausea": "",
        "irritability": "",
        "opioid_taken": "no",
        "opioid_name": "",
        "liver_signs": "no",
        "note": "",
        "version": "",
    }
    data.update(overrides)
    return data


def with_totp(user: User) -> User:
    """Give a staff member the authenticator app they must have (SPEC §7)."""
    user.totp_secret = generate_totp_secret()  # type: ignore[attr-defined]
    TOTP.activate(user, user.totp_secret)  # type: ignore[attr-defined]
    return user


def login(client, user: User) -> None:
    """Sign `user` in as a completed sign-in would: for staff, with the second factor."""
    client.force_login(user)
    session = client.session
    session[MFA_SESSION_KEY] = True
    session.save()


def diary_until_review(patient, *, pain_before=7, pain_after=6, mg="4.5", days=42, on=None):
    """A week before LDN, then `days` days on `mg`: with 42, day 42 (the 6-week review) is
    today. `on` maps a day index (0 = day 1) to values for that day, e.g. an opioid."""
    today = patient.diary_today()
    start = today - dt.timedelta(days=41)
    on = on or {}
    rows = [
        EntryFactory.build(
            patient=patient, date=start - dt.timedelta(days=n), dose_taken=False, dose_mg=None,
            time_taken=None, pain=pain_before,
        )
        for n in range(1, 8)
    ] + [
        EntryFactory.build(
            patient=patient, date=start + dt.timedelta(days=n), dose_mg=Decimal(mg),
            pain=pain_after, **on.get(n, {}),
        )
        for n in range(days)
    ]  # fmt: skip
    DailyEntry.objects.bulk_create(rows)
    from tracker.services.status import refresh_patient

    refresh_patient(patient)
