"""The patient's diary page: prefill, save with and without htmx, bad input, conflicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tracker.models import DailyEntry, EntryRevision
from tracker.services.status import refresh_patient

from .factories import EntryFactory, PrescriptionFactory, valid_form_data


def post(client, data, *, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/diary/", data, headers=headers)


def test_today_is_prefilled_from_the_current_prescription(patient_client, patient):
    PrescriptionFactory(
        patient=patient,
        dose_mg=Decimal("3.0"),
        usual_time=dt.time(21, 30),
        start_date=patient.diary_today() - dt.timedelta(days=3),
    )
    form = patient_client.get("/diary/").context["form"]
    assert form.initial["dose_mg"] == Decimal("3.0")
    assert form.initial["time_taken"] == dt.time(21, 30)
    assert form.initial["dose_taken"] == "yes"
    assert form.initial["date"] == patient.diary_today()


def test_before_the_prescription_starts_the_dose_defaults_to_not_taken(client, patient):
    patient.prescriptions.update(start_date=patient.diary_today() + dt.timedelta(days=3))
    client.force_login(patient.user)
    response = client.get("/diary/")
    assert response.context["form"].initial["dose_taken"] == "no"
    assert b"Before treatment" in response.content


def test_today_shows_the_week_of_treatment_and_days_on_dose(patient_client, patient):
    today = patient.diary_today()
    for offset in range(15):
        mg = "3.0" if offset < 5 else "1.5"
        EntryFactory(patient=patient, date=today - dt.timedelta(days=offset), dose_mg=Decimal(mg))
    html = patient_client.get("/diary/").content.decode()
    assert "Week 3 on LDN" in html
    assert "5 days on 3 mg" in html


def test_saving_with_htmx_swaps_in_a_confirmation(patient_client, patient):
    response = post(patient_client, valid_form_data(patient.diary_today()), htmx=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="diary"')
    assert "Saved for" in html
    assert "<html" not in html
    entry = DailyEntry.objects.get(patient=patient)
    assert (entry.pain, entry.mood, entry.updated_by) == (5, 6, patient.user)


def test_saving_without_javascript_redirects_to_the_confirmation(patient_client, patient):
    day = patient.diary_today()
    response = post(patient_client, valid_form_data(day))
    assert response.status_code == 302
    page = patient_client.get(response["Location"])
    assert b"Saved for" in page.content
    assert DailyEntry.objects.filter(patient=patient, date=day).count() == 1


def test_a_missed_dose_drops_the_amount_and_time(patient_client, patient):
    data = valid_form_data(patient.diary_today(), dose_taken="no", dose_mg="99", time_taken="x")
    assert post(patient_client, data).status_code == 302
    entry = DailyEntry.objects.get(patient=patient)
    assert (entry.dose_taken, entry.dose_mg, entry.time_taken) == (False, None, None)


def test_an_opioid_is_recorded_with_its_name(patient_client, patient):
    data = valid_form_data(patient.diary_today(), opioid_taken="yes", opioid_name="codeine")
    post(patient_client, data)
    entry = DailyEntry.objects.get(patient=patient)
    assert (entry.opioid_taken, entry.opioid_name) == (True, "codeine")


def test_optional_scales_can_be_skipped_or_answered(patient_client, patient):
    day = patient.diary_today()
    post(patient_client, valid_form_data(day, fatigue="7", nausea="", irritability="2"))
    entry = DailyEntry.objects.get(patient=patient)
    assert (entry.fatigue, entry.nausea, entry.irritability) == (7, None, 2)


def test_backfilling_yesterday_works(patient_client, patient):
    yesterday = patient.diary_today() - dt.timedelta(days=1)
    post(patient_client, valid_form_data(yesterday))
    assert DailyEntry.objects.get(patient=patient).date == yesterday


BAD_INPUT = [
    ("dose_mg", "0", "between 0.1 and 12.0 mg"),
    ("dose_mg", "12.1", "between 0.1 and 12.0 mg"),
    ("dose_mg", "4.555", "2 decimal places"),
    ("dose_mg", "lots", "Enter the dose as a number"),
    ("dose_mg", "", "Enter the dose you took"),
    ("dose_mg", "NaN", "Enter the dose as a number"),
    ("time_taken", "25:00", "Enter a time"),
    ("time_taken", "", "Enter the time you took it"),
    ("sleep_hours", "-1", "between 0 and 24 hours"),
    ("sleep_hours", "24.25", "between 0 and 24 hours"),
    ("sleep_hours", "7.1", "quarter hours"),
    ("sleep_hours", "seven", "Enter hours as a number"),
    ("sleep_hours", "", "Enter how many hours you slept"),
    ("sleep_quality", "0", "from 1 to 5"),
    ("sleep_quality", "6", "from 1 to 5"),
    ("dreams", "awful", "Choose none, normal, vivid or nightmares"),
    ("dreams", "", "Choose none, normal, vivid or nightmares"),
    ("headache", "4", "from 0 to 3"),
    ("pain", "11", "from 0 to 10"),
    ("pain", "-1", "from 0 to 10"),
    ("pain", "5.5", "from 0 to 10"),
    ("pain", "", "from 0 to 10"),
    ("mood", "eleven", "from 0 to 10"),
    ("fatigue", "11", "from 0 to 10"),
    ("nausea", "9", "from 0 to 3"),
    ("irritability", "x", "from 0 to 3"),
    ("dose_taken", "maybe", "Choose yes or no"),
    ("opioid_taken", "", "Choose yes or no"),
    ("liver_signs", "perhaps", "Choose yes or no"),
    ("note", "x" * 2001, "2,000 characters or fewer"),
    ("date", "yesterday", "Enter a date"),
    ("date", "", "Choose the day"),
    ("version", "abc", ""),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_is_explained_next_to_its_field_and_saves_nothing(
    patient_client, patient, field, value, message, htmx
):
    response = post(
        patient_client, valid_form_data(patient.diary_today(), **{field: value}), htmx=htmx
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html or field == "version"
    assert not DailyEntry.objects.exists()


def test_a_future_date_is_refused(patient_client, patient):
    tomorrow = patient.calendar_today() + dt.timedelta(days=1)
    response = post(patient_client, valid_form_data(tomorrow))
    assert "hasn't happened yet" in response.context["form"].errors["date"][0]
    assert not DailyEntry.objects.exists()


def test_a_date_older_than_seven_days_is_refused(patient_client, patient):
    today = patient.diary_today()
    response = post(patient_client, valid_form_data(today - dt.timedelta(days=8)))
    assert "Only the last 7 days" in response.context["form"].errors["date"][0]
    assert post(patient_client, valid_form_data(today - dt.timedelta(days=7))).status_code == 302
    assert DailyEntry.objects.count() == 1


def test_opening_a_day_outside_the_window_shows_today_and_says_why(patient_client, patient):
    """Issue 23: an address or a typed Day outside the window is answered in the form."""
    today = patient.diary_today()
    for day in (today - dt.timedelta(days=8), today + dt.timedelta(days=2)):
        response = patient_client.get(f"/diary/?date={day.isoformat()}")
        assert response.status_code == 200
        assert response.context["day"] == today
        assert "You can log or change the last 7 days" in response.context["date_problem"]
        assert 'id="date-problem"' in response.content.decode()
    response = patient_client.get("/diary/?date=2026-02-30")
    assert "That is not a date" in response.context["date_problem"]


def test_a_typed_day_outside_the_window_keeps_the_form_and_says_why(patient_client, patient):
    far = patient.diary_today() - dt.timedelta(days=30)
    response = patient_client.get(f"/diary/?date={far.isoformat()}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"  # what the patient has filled in stays
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body and "You can log or change the last 7 days" in body
    assert "diary-form" not in body


def test_opening_a_logged_day_shows_its_entry_for_editing(patient_client, patient):
    yesterday = patient.diary_today() - dt.timedelta(days=1)
    entry = EntryFactory(patient=patient, date=yesterday, pain=8)
    response = patient_client.get(f"/diary/?date={yesterday.isoformat()}")
    assert response.context["form"].initial["pain"] == 8
    assert response.context["form"].initial["version"] == entry.version


def test_an_edit_keeps_the_previous_version(patient_client, patient):
    day = patient.diary_today()
    entry = EntryFactory(patient=patient, date=day, pain=5)
    post(patient_client, valid_form_data(day, pain="3", version=str(entry.version)))
    entry.refresh_from_db()
    assert (entry.pain, entry.version) == (3, 2)
    revision = EntryRevision.objects.get(entry=entry)
    assert revision.version == 1
    assert revision.data["pain"] == 5
    assert revision.replaced_by == patient.user


def test_saving_an_unchanged_form_makes_no_new_version(patient_client, patient):
    day = patient.diary_today()
    post(patient_client, valid_form_data(day))
    entry = DailyEntry.objects.get()
    post(patient_client, valid_form_data(day, version="1"))
    entry.refresh_from_db()
    assert entry.version == 1
    assert not EntryRevision.objects.exists()


def test_a_second_entry_for_the_same_day_is_never_a_second_row(patient_client, patient):
    day = patient.diary_today()
    post(patient_client, valid_form_data(day, pain="5", sleep_hours="7.5"))
    response = post(patient_client, valid_form_data(day, pain="9"))
    assert response.status_code == 200
    assert "saved elsewhere" in response.context["form"].errors["date"][0]
    assert "sleep 7.5 h" in response.context["form"].errors["date"][0]  # not 7.50
    entry = DailyEntry.objects.get(patient=patient)
    assert entry.pain == 5
    # The form now carries the saved version: saving again deliberately replaces it.
    assert response.context["form"].data["version"] == "1"
    post(patient_client, valid_form_data(day, pain="9", version="1"))
    entry.refresh_from_db()
    assert (entry.pain, DailyEntry.objects.count()) == (9, 1)


def test_a_stale_edit_is_refused_with_a_conflict(patient_client, patient):
    day = patient.diary_today()
    entry = EntryFactory(patient=patient, date=day, pain=5)
    post(patient_client, valid_form_data(day, pain="6", version="1"))  # another tab saves
    response = post(patient_client, valid_form_data(day, pain="2", version="1"), htmx=True)
    assert response.status_code == 200
    assert "saved elsewhere" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.pain, entry.version) == (6, 2)
    assert EntryRevision.objects.count() == 1


def test_a_version_for_a_day_never_logged_is_a_conflict(patient_client, patient):
    response = post(patient_client, valid_form_data(patient.diary_today(), version="3"))
    assert "no saved entry yet" in response.context["form"].errors["date"][0]
    assert not DailyEntry.objects.exists()


def test_forged_patient_and_entry_ids_are_ignored(patient_client, patient, other_patient):
    day = patient.diary_today()
    theirs = EntryFactory(patient=other_patient, date=day, pain=4)
    data = valid_form_data(day, pain="9", patient=str(other_patient.pk), entry=str(theirs.pk))
    data["patient_id"] = str(other_patient.pk)
    data["id"] = str(theirs.pk)
    post(patient_client, data)
    theirs.refresh_from_db()
    assert theirs.pain == 4
    assert DailyEntry.objects.get(patient=patient).pain == 9


def test_the_diary_never_shows_another_patients_entry(patient_client, patient, other_patient):
    yesterday = patient.diary_today() - dt.timedelta(days=1)
    EntryFactory(patient=other_patient, date=yesterday, note="Ben's private note")
    response = patient_client.get(f"/diary/?date={yesterday.isoformat()}")
    assert "version" not in response.context["form"].initial
    assert b"Ben&#x27;s private note" not in response.content


def fill_history(patient, days):
    """`days` of diary and the summary that saving them would have left."""
    today = patient.diary_today()
    DailyEntry.objects.bulk_create(
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n)) for n in range(days)
    )
    refresh_patient(patient)


@pytest.mark.parametrize("days", [1, 365])
def test_today_stays_within_its_query_budget(
    patient_client, patient, days, django_assert_max_num_queries
):
    fill_history(patient, days)
    with django_assert_max_num_queries(8):
        patient_client.get("/diary/")


# Transactional, so queries are counted as in production: inside a test transaction every
# atomic block would add a SAVEPOINT and a RELEASE that a real request never sends.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("days", [1, 365])
@pytest.mark.parametrize("htmx", [False, True])
def test_saving_stays_within_its_query_budget(
    patient_client, patient, days, htmx, django_assert_max_num_queries
):
    fill_history(patient, days)
    data = valid_form_data(patient.diary_today(), pain="2", version="1")
    # 12 before treatment courses, + the stops, the gap answers and the summary's row lock
    # (one re-evaluation at a time per patient), + the titration plan (issue 21: read once,
    # for the dose's unit and for the "not following the plan" rule).
    with django_assert_max_num_queries(16):
        response = post(patient_client, data, htmx=htmx)
    assert response.status_code in (200, 302)
    assert DailyEntry.objects.get(patient=patient, date=patient.diary_today()).pain == 2


def test_a_saved_day_is_audited_with_the_address_it_came_from(patient_client, patient):
    from tracker.models import AuditEvent

    post(patient_client, valid_form_data(patient.diary_today()))
    event = AuditEvent.objects.get(action="save_entry")
    assert (event.actor, event.patient, event.ip) == (patient.user, patient, "127.0.0.1")


def test_after_midnight_today_says_once_why_it_is_still_yesterday(patient_client, patient):
    from zoneinfo import ZoneInfo

    import time_machine

    london = ZoneInfo("Europe/London")
    with time_machine.travel(dt.datetime(2026, 12, 2, 1, 10, tzinfo=london), tick=False):
        body = patient_client.get("/diary/").content.decode()
        assert body.count("It is after midnight, but your diary") == 1
        assert "this is still Tuesday 1 December" in body
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=london), tick=False):
        assert "It is after midnight" not in patient_client.get("/diary/").content.decode()


def test_the_browsers_favicon_request_finds_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
    assert client.get(response["Location"]).status_code == 200


def test_after_midnight_the_day_picker_offers_the_diarys_days(patient_client, patient):
    from zoneinfo import ZoneInfo

    import time_machine

    at = dt.datetime(2026, 12, 2, 1, 10, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=False):
        form = patient_client.get("/diary/").context["form"]
        assert form.fields["date"].widget.attrs["max"] == "2026-12-01"
        assert form.fields["date"].widget.attrs["min"] == "2026-11-24"
