"""The demo clinic: people and realistic diaries that exercise SPEC §4–5.

Each patient is a `Story`: a dose plan, how the primary outcome moves, and the events that
make them interesting (a switch to morning dosing, an opioid, gaps in logging). Diaries are
generated from a seeded random source, so the same story on the same day gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from .dosing import Unit
from .models import (
    Clinic,
    ClinicalReview,
    Condition,
    DailyEntry,
    Dispensing,
    Dreams,
    Filler,
    Formulation,
    Outcome,
    Patient,
    PGICAnswer,
    Prescription,
    StopReason,
    TreatmentStop,
    User,
)
from .response import explain, rule
from .response.rule import REVIEW_WEEK
from .services.enrolment import enrol
from .services.status import refresh_patient

DEMO_PASSWORD = "ldn-demo-clinic-2026"  # noqa: S105 (development only: refused without DEBUG)
# Demo staff share one authenticator secret, published here for development only: add it
# to an authenticator app, or run `python manage.py demo_code` for the current code.
DEMO_TOTP_SECRET = "LDNDEMOCLINICTWOFACTORSECRETXYZ2"  # noqa: S105
CLINIC_NAME = "Riverside LDN Clinic (demo)"
EMAIL_DOMAIN = "demo.ldn-tracker.example"

type Curve = Callable[[int], float]


def steady(level: float) -> Curve:
    return lambda day: level


def glide(before: float, after: float, start: int = 1, end: int = 35) -> Curve:
    """`before` until day `start`, then a straight line to `after` reached on day `end`."""

    def curve(day: int) -> float:
        if day < start:
            return before
        if day >= end:
            return after
        return before + (after - before) * (day - start) / (end - start)

    return curve


@dataclass
class Story:
    email: str
    first_name: str
    last_name: str
    condition: str
    clinician: int  # 0 or 1: which demo clinician
    treated_days: int  # today is this day of treatment; 0 = not started yet
    pre_days: int = 7  # diary days logged before day 1 (the baseline week)
    doses: list[tuple[int, str]] = field(default_factory=lambda: [(1, "1.5")])  # (day, mg)
    morning_from: int | None = None  # day the dose moved from bedtime to morning
    primary: str = Outcome.PAIN
    pain: Curve = field(default_factory=lambda: steady(6.0))
    mood: Curve = field(default_factory=lambda: steady(5.0))
    fatigue: Curve | None = None
    vivid_at_bedtime: float = 0.1  # chance of vivid dreams on a bedtime-dose night
    skipped_days: set[int] = field(default_factory=set)  # days with no entry at all
    stop_logging_days: int = 0  # the last N days have no entry
    opioid_days: dict[int, str] = field(default_factory=dict)
    liver_days: set[int] = field(default_factory=set)
    severe_headache_days: set[int] = field(default_factory=set)
    enrolment_baseline: dict[str, int] = field(default_factory=dict)
    start_in_days: int = 0  # for a patient not started yet: first dose this many days ahead
    time_zone: str = "Europe/London"
    notes: dict[int, str] = field(default_factory=dict)
    pgic: int | None = None  # the answer given at the 6-week review point
    reviewed: str = ""  # the outcome of a 6-week review already recorded
    off_days: tuple[int, int] | None = None  # (first, last) day off LDN after reporting a stop
    what: str = ""  # what the story shows, printed with the logins
    expect: str = ""  # the verdict (or phase) SPEC §4 gives this story on any day


def story(email: str, name: str, condition: str, clinician: int, **kw: Any) -> Story:
    first, last = name.split()
    return Story(email, first, last, condition, clinician, **kw)


TITRATE = [(1, "1.5"), (8, "3.0"), (15, "4.5")]

STORIES = [
    story(
        "grace", "Grace Holloway", Condition.FIBROMYALGIA, 0, treated_days=98, doses=TITRATE,
        pain=glide(7.2, 3.1, 8, 35), mood=glide(4.5, 7.0, 8, 35),
        notes={20: "Walked to the shops without resting.", 60: "Good week."}, reviewed="continue",
        what="clear responder, reviewed at week 6; week-12 review now due", expect="responding",
    ),
    story(
        "tom", "Tom Baxter", Condition.FIBROMYALGIA, 0, treated_days=43, doses=TITRATE,
        pain=glide(6.5, 6.9, 8, 30), mood=steady(4.5), pgic=4,
        what="no response at the 6-week review point", expect="no_response",
    ),
    story(
        "priya", "Priya Shah", Condition.CRPS, 0, treated_days=18, pre_days=10,
        doses=[(1, "0.5"), (8, "1.0"), (15, "1.5")], pain=glide(7.0, 6.2, 1, 18),
        what="still titrating (0.5 → 1.0 → 1.5 mg)", expect="titrating",
    ),
    story(
        "sam", "Sam Okoro", Condition.NEUROPATHIC, 1, treated_days=50, doses=TITRATE,
        morning_from=36, vivid_at_bedtime=0.85, pain=glide(7.0, 3.6, 8, 36),
        mood=glide(5.0, 6.5, 8, 40),
        notes={12: "Very vivid dreams again.", 36: "Switched to taking it in the morning."},
        what="vivid dreams at bedtime persisted on a settled dose (a side-effect alert); "
        "eased after moving the dose to the morning",
        expect="responding",
    ),
    story(
        "liam", "Liam Fraser", Condition.CRPS, 1, treated_days=30, doses=TITRATE,
        pain=glide(7.5, 6.0, 8, 30), opioid_days={27: "tramadol 50 mg", 28: "tramadol 50 mg"},
        notes={27: "Bad flare, took tramadol from an old prescription."},
        what="logged opioid use (tramadol) this week", expect="on_treatment",
    ),
    story(
        "nora", "Nora Kelly", Condition.MS, 0, treated_days=46, doses=[(1, "1.5"), (15, "3.0")],
        pain=glide(5.8, 4.9, 8, 35), skipped_days={3, 4, 9, 10, 11, 17, 18, 24, 29, 30, 31, 32},
        stop_logging_days=5,
        what="gaps in logging, nothing for 5 days: too little data at the review",
        expect="insufficient_data",
    ),
    story(
        "maya", "Maya Chen", Condition.DEPRESSION, 1, treated_days=47, primary=Outcome.MOOD,
        doses=TITRATE, pain=steady(2.0), mood=glide(3.0, 6.3, 8, 35),
        what="mood is the primary outcome; clearly better", expect="responding",
    ),
    story(
        "owen", "Owen Price", Condition.LONG_COVID, 1, treated_days=45, primary=Outcome.FATIGUE,
        doses=[(1, "1.0"), (8, "2.0"), (15, "3.0")], pain=steady(4.0),
        fatigue=glide(8.0, 6.5, 8, 30), pgic=2,
        what="fatigue is the primary outcome: partial on the diary, feels much improved",
        expect="discordant",
    ),
    story(
        "rosa", "Rosa Diaz", Condition.FIBROMYALGIA, 0, treated_days=44, doses=TITRATE,
        pain=glide(5.0, 7.3, 8, 30), mood=glide(5.5, 3.5, 8, 30),
        what="worse since starting LDN", expect="worse",
    ),
    story(
        "ivan", "Ivan Petrov", Condition.HASHIMOTO, 1, treated_days=44,
        doses=[(1, "1.5"), (8, "3.0")], pain=glide(3.4, 0.6, 8, 30),
        what="low baseline (pain about 3): judged on points, not percent", expect="responding",
    ),
    story(
        "hannah", "Hannah Wright", Condition.IBD, 0, treated_days=45, pre_days=0, doses=TITRATE,
        pain=glide(7.0, 4.0, 8, 35), enrolment_baseline={"pain": 7, "mood": 4},
        what="no diary before day 1: baseline from enrolment answers (lower confidence)",
        expect="responding",
    ),
    story(
        "eli", "Eli Brooks", Condition.FIBROMYALGIA, 1, treated_days=25, doses=TITRATE,
        pain=glide(6.5, 5.5, 8, 25), liver_days={24}, notes={24: "My eyes look a bit yellow."},
        what="reported liver warning signs yesterday", expect="titrating",
    ),
    story(
        "zoe", "Zoe Turner", Condition.NEUROPATHIC, 0, treated_days=21,
        doses=[(1, "0.5"), (8, "1.0"), (15, "2.0")], pain=steady(6.0),
        severe_headache_days={18, 19, 20},
        what="severe headaches three days running", expect="titrating",
    ),
    story(
        "ana", "Ana Costa", Condition.ANXIETY, 1, treated_days=44,
        doses=[(1, "1.5"), (15, "3.0"), (35, "4.5")], pain=glide(6.0, 4.0, 8, 40),
        what="dose raised on day 35: review moves to day 48 (titration incomplete)",
        expect="titration_incomplete",
    ),
    story(
        "june", "June Ellis", Condition.FIBROMYALGIA, 0, treated_days=70,
        doses=[(1, "1.5"), (8, "3.0"), (15, "4.5"), (46, "1.5"), (53, "3.0")],
        severe_headache_days=set(), pain=glide(6.8, 5.6, 8, 60), off_days=(21, 45),
        notes={20: "Headaches and awful dreams: stopping LDN for now.",
               46: "Starting again at 1.5 mg as the clinic advised."},
        what="stopped on day 20 (reported, confirmed), 25 days off, restarted: a second "
        "course with its own day 1 and a re-titration alert",
        expect="on_treatment",
    ),
    story(
        "felix", "Felix Wagner", Condition.FIBROMYALGIA, 0, treated_days=0, pre_days=5,
        start_in_days=2, pain=steady(6.5),
        what="not started yet: logging the baseline week, first dose in 2 days",
        expect="pre_treatment",
    ),
]  # fmt: skip

STAFF = [
    ("admin", "Alex", "Morgan", User.Role.CLINIC_ADMIN),
    ("dr.okafor", "Chidi", "Okafor", User.Role.CLINICIAN),
    ("dr.lind", "Sofia", "Lind", User.Role.CLINICIAN),
]


def email(local: str) -> str:
    return f"{local}@{EMAIL_DOMAIN}"


def logins() -> list[tuple[str, str, str]]:
    """(email, role, what it shows) for every demo account."""
    rows = [(email(local), role.label, "") for local, _, _, role in STAFF]
    rows += [(email(s.email), "Patient", s.what) for s in STORIES]
    return rows


@transaction.atomic
def seed(today: dt.date | None = None) -> tuple[int, int]:
    """Create whatever of the demo clinic is missing; returns (patients created, entries)."""
    clinic, _ = Clinic.objects.get_or_create(
        name=CLINIC_NAME, defaults={"contact": "01632 960 123 (weekdays 9–5)"}
    )
    staff = [_user(local, first, last, role, clinic) for local, first, last, role in STAFF]
    for member in staff:
        if not Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(member, DEMO_TOTP_SECRET)
    clinicians = staff[1:]
    created = entries = 0
    for story in STORIES:
        user = _user(story.email, story.first_name, story.last_name, User.Role.PATIENT, clinic)
        if Patient.objects.filter(user=user).exists():
            continue
        patient = enrol(
            user=user,
            clinician=clinicians[story.clinician],
            condition=story.condition,
            primary_outcome=story.primary,
            time_zone=story.time_zone,
            baseline_pain=story.enrolment_baseline.get("pain"),
            baseline_mood=story.enrolment_baseline.get("mood"),
            baseline_fatigue=story.enrolment_baseline.get("fatigue"),
            # Felix has not started yet, nor answered the enrolment questions: he is asked
            # them at his first sign-in. Everyone else answered.
            medicines="" if story.email == "felix" else "Vitamin D",
            takes_opioids=None if story.email == "felix" else False,
            pregnancy="" if story.email == "felix" else "na",
            enrolment_answered_on=None
            if story.email == "felix"
            else dt.date.today() - dt.timedelta(days=story.treated_days + story.pre_days),
        )
        entries += _write_story(patient, story, clinicians[story.clinician], today)
        if story.off_days:
            _record_stop(patient, story, clinicians[story.clinician], today)
        if story.reviewed:
            _record_review(patient, story, clinicians[story.clinician])
        refresh_patient(patient)
        created += 1
    return created, entries


def _user(local: str, first: str, last: str, role: str, clinic: Clinic) -> User:
    user = User.objects.filter(email=email(local)).first()
    if user is None:
        user = User.objects.create_user(
            email(local), DEMO_PASSWORD, first_name=first, last_name=last, role=role, clinic=clinic
        )
    return user


def _write_story(patient: Patient, story: Story, clinician: User, today: dt.date | None) -> int:
    today = today or patient.diary_today()
    # Seeded by the story alone: the same days of treatment get the same values whatever
    # the date, so each story shows the status it was written for on any day.
    rng = random.Random(story.email)
    if story.treated_days:
        day_one = today - dt.timedelta(days=story.treated_days - 1)
    else:
        day_one = today + dt.timedelta(days=story.start_in_days)
    first_logged = day_one - dt.timedelta(days=story.pre_days)
    patient.enrolled_on = first_logged if story.pre_days else day_one
    patient.save(update_fields=["enrolled_on"])

    for step_day, mg, timing in _prescription_steps(story):
        Prescription.objects.create(
            patient=patient,
            dose_mg=Decimal(mg),
            # The most common form (SPEC §3a): a liquid of 1 mg per mL, measured in mL.
            formulation=Formulation.LIQUID,
            dose_unit=Unit.ML,
            strength_mg=Decimal(1),
            timing=timing,
            usual_time=dt.time(8, 0) if timing == "morning" else dt.time(22, 0),
            start_date=day_one + dt.timedelta(days=step_day - 1),
            set_by=clinician,
        )

    if story.treated_days:
        # A bottle from the compounding pharmacy, so the record shows a run-out date.
        Dispensing.objects.create(
            patient=patient,
            dispensed_on=max(day_one, today - dt.timedelta(days=35)),
            amount=Decimal(150),
            unit=Unit.ML,
            strength_mg=Decimal(1),
            pharmacy="Riverside Compounding Pharmacy",
            batch=f"RCP-{1000 + patient.pk}",
            filler=Filler.CELLULOSE,
            recorded_by=clinician,
        )

    rows = []
    last_logged = today - dt.timedelta(days=story.stop_logging_days)
    day = first_logged
    while day <= last_logged:
        number = (day - day_one).days + 1  # 0 or less before treatment
        if number not in story.skipped_days:
            rows.append(_entry(patient, story, day, number, rng))
        day += dt.timedelta(days=1)
    DailyEntry.objects.bulk_create(rows)
    if story.pgic is not None:
        PGICAnswer.objects.create(
            patient=patient,
            review_point=1,
            value=story.pgic,
            answered_on=day_one + dt.timedelta(days=REVIEW_WEEK * 7 - 1),
        )
    return len(rows)


def _record_review(patient: Patient, story: Story, clinician: User) -> None:
    """The 6-week review as it was recorded on its day."""
    days = DailyEntry.objects.for_patient(patient).days()
    first = min(d.date for d in days if d.dose_taken)
    on = first + dt.timedelta(days=REVIEW_WEEK * 7 - 1)
    facts = rule.facts(
        [d for d in days if d.date <= on],
        outcome=patient.primary_outcome,
        enrolment_answer=patient.enrolment_answer,
        pgic=story.pgic,
    )
    evaluation = rule.status(facts, on)
    recorded = ClinicalReview.objects.create(
        patient=patient,
        point=1,
        outcome=story.reviewed,
        note="Good response. Continue 4.5 mg at bedtime.",
        snapshot=explain.snapshot(evaluation),
        recorded_by=clinician,
    )
    # Recorded on the review day itself, not when the demo was loaded.
    when = dt.datetime.combine(on, dt.time(11, 30), tzinfo=patient.zone)
    ClinicalReview.objects.filter(pk=recorded.pk).update(recorded_at=when)


def _record_stop(patient: Patient, story: Story, clinician: User, today: dt.date | None) -> None:
    """The stop the patient reported the day before their days off, confirmed by their
    clinician; the restart they reported on its first day."""
    assert story.off_days is not None
    today = today or patient.diary_today()
    day_one = today - dt.timedelta(days=story.treated_days - 1)
    first_off, last_off = (day_one + dt.timedelta(days=n - 1) for n in story.off_days)
    reported = dt.datetime.combine(first_off, dt.time(9, 0), tzinfo=patient.zone)
    stop = TreatmentStop.objects.create(
        patient=patient, on=first_off - dt.timedelta(days=1), reason=StopReason.PATIENT,
        reported_by=patient.user, confirmed_by=clinician,
        confirmed_at=reported + dt.timedelta(hours=3),
    )  # fmt: skip
    TreatmentStop.objects.filter(pk=stop.pk).update(reported_at=reported)
    patient.restart_reported_on = last_off + dt.timedelta(days=1)
    patient.save(update_fields=["restart_reported_on"])


def _prescription_steps(story: Story) -> list[tuple[int, str, str]]:
    days = sorted(
        {d for d, _ in story.doses} | ({story.morning_from} if story.morning_from else set())
    )
    steps = []
    for day in days:
        mg = [m for d, m in story.doses if d <= day][-1]
        timing = "morning" if story.morning_from and day >= story.morning_from else "bedtime"
        steps.append((day, mg, timing))
    return steps


def _score(rng: random.Random, mean: float, spread: float = 0.9) -> int:
    return max(0, min(10, round(rng.gauss(mean, spread))))


def _entry(
    patient: Patient, story: Story, day: dt.date, number: int, rng: random.Random
) -> DailyEntry:
    treated = number >= 1
    off = story.off_days is not None and story.off_days[0] <= number <= story.off_days[1]
    # Nobody is perfect: about one missed dose in 20, never on the first day.
    taken = treated and not off and (number == 1 or rng.random() > 0.05)
    mg = Decimal([m for d, m in story.doses if d <= max(number, 1)][-1])
    morning = story.morning_from is not None and number >= story.morning_from
    # Tonight's sleep follows yesterday's dose: the entry for day N reports "last night".
    bedtime_before = number >= 2 and not (story.morning_from and number - 1 >= story.morning_from)
    vivid = bedtime_before and rng.random() < story.vivid_at_bedtime
    if vivid:
        dreams = Dreams.NIGHTMARES if rng.random() < 0.25 else Dreams.VIVID
    else:
        dreams = rng.choice([Dreams.NONE, Dreams.NORMAL, Dreams.NORMAL])
    sleep = max(3.0, min(10.0, rng.gauss(6.2 if vivid else 7.1, 0.7)))
    quality = max(1, min(5, round(rng.gauss(2.0 if vivid else 3.4, 0.7))))
    headache = 3 if number in story.severe_headache_days else rng.choice([0, 0, 0, 0, 0, 1, 1, 2])
    fatigue = _score(rng, story.fatigue(number)) if story.fatigue else None
    opioid = story.opioid_days.get(number, "")
    return DailyEntry(
        patient=patient,
        date=day,
        dose_taken=taken,
        dose_mg=mg if taken else None,
        dose_amount=mg if taken else None,  # mL of 1 mg per mL
        dose_unit=Unit.ML if taken else "",
        time_taken=(
            dt.time(8, rng.choice([0, 15, 30]))
            if morning
            else dt.time(22, rng.choice([0, 15, 30, 45]))
        )
        if taken
        else None,
        sleep_hours=Decimal(round(sleep * 4) / 4).quantize(Decimal("0.01")),
        sleep_quality=quality,
        dreams=dreams,
        nightmare_woke=dreams == Dreams.NIGHTMARES and rng.random() < 0.5,
        headache=headache,
        pain=_score(rng, story.pain(number)),
        mood=_score(rng, story.mood(number)),
        fatigue=fatigue,
        nausea=rng.choice([0, 0, 1]) if 1 <= number <= 14 else None,
        irritability=None,
        opioid_taken=bool(opioid),
        opioid_name=opioid,
        liver_signs=number in story.liver_days,
        note=story.notes.get(number, ""),
    )
