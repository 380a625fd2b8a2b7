"""Data out (SPEC §8, issue 11): the patient's CSV and JSON, the clinician's CSV and FHIR R4
Bundle; audited with their format, streamed, nobody else's."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.http import StreamingHttpResponse

from tracker.models import AuditEvent, DailyEntry, PGICAnswer, Prescription
from tracker.services import diary as diary_service

from .factories import EntryFactory, diary_until_review, login

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def history(patient, clinician):
    """A diary with a bit of everything: a dose change, a missed dose, an edit made twice,
    optional values, an opioid, a note that looks like a formula, and unicode."""
    diary_until_review(patient, mg="3.0")
    today = patient.diary_today()
    first = DailyEntry.objects.filter(patient=patient, dose_taken=True).order_by("date").first()
    DailyEntry.objects.filter(pk=first.pk).update(dose_mg=Decimal("1.5"))
    day = today - dt.timedelta(days=3)
    entry = DailyEntry.objects.get(patient=patient, date=day)
    values = entry.values() | {"note": '=HYPERLINK("http://evil.example")', "fatigue": 6}
    diary_service.save_entry(
        patient=patient, day=day, values=values, version=entry.version, by=patient.user
    )
    values |= {
        "note": "Schlaf gut · 睡眠 — café",
        "nausea": 2,
        "opioid_taken": True,
        "opioid_name": "+codeine",
    }
    diary_service.save_entry(patient=patient, day=day, values=values, version=2, by=patient.user)
    missed = DailyEntry.objects.get(patient=patient, date=today - dt.timedelta(days=5))
    DailyEntry.objects.filter(pk=missed.pk).update(dose_taken=False, dose_mg=None, time_taken=None)
    PGICAnswer.objects.create(patient=patient, review_point=1, value=2, answered_on=today)
    from tracker.services import clinical

    clinical.record_review(
        patient=patient,
        point=1,
        outcome="continue",
        note="Private working.",
        next_week=12,
        by=clinician,
    )
    Prescription.objects.create(
        patient=patient,
        dose_mg=Decimal("4.5"),
        start_date=today + dt.timedelta(days=7),
        set_by=clinician,
    )
    return patient


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)  # never the whole file in memory
    return b"".join(response.streaming_content).decode("utf-8")


def unneutralise(text: str) -> str:
    return (
        text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text
    )


def as_diary_value(name: str, text: str):  # type: ignore[no-untyped-def]
    """A CSV cell back as the value the diary holds."""
    field = DailyEntry._meta.get_field(name)
    text = unneutralise(text)
    if text == "":
        return "" if field.get_internal_type() in ("CharField", "TextField") else None
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return text == "yes"
    if kind == "DecimalField":
        return Decimal(text)
    if kind == "TimeField":
        return dt.time.fromisoformat(text)
    if kind == "PositiveSmallIntegerField":
        return int(text)
    return text


# --- The CSV ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["patient", "clinician"])
def test_the_csv_read_back_equals_the_diary(client, history, clinician, who):
    login(client, history.user if who == "patient" else clinician)
    url = "/export/diary.csv" if who == "patient" else f"/clinic/patients/{history.pk}/export.csv"
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ldn-diary-')
    rows = list(csv.DictReader(io.StringIO(body(response))))
    entries = list(DailyEntry.objects.filter(patient=history).order_by("date"))
    assert len(rows) == len(entries) == 49
    for row, entry in zip(rows, entries, strict=True):
        assert row["date"] == entry.date.isoformat()  # ISO dates
        for name in DailyEntry.VALUE_FIELDS:
            assert as_diary_value(name, row[name]) == getattr(entry, name), (entry.date, name)
        assert int(row["version"]) == entry.version


def test_the_csv_marks_dose_changes(patient_client, history):
    rows = list(csv.DictReader(io.StringIO(body(patient_client.get("/export/diary.csv")))))
    changes = [
        (r["date"], r["dose_mg"], r["dose_change_from_mg"])
        for r in rows
        if r["dose_change_from_mg"]
    ]
    assert len(changes) == 1 and changes[0][1:] == ("3", "1.5")


def test_a_cell_that_looks_like_a_formula_is_neutralised(patient_client, history):
    text = body(patient_client.get("/export/diary.csv"))
    assert "'=HYPERLINK" not in text  # that version was replaced; its successor:
    assert "'+codeine" in text and ",+codeine" not in text
    assert "Schlaf gut · 睡眠 — café" in text  # UTF-8, without a byte-order mark
    assert not text.startswith("\ufeff")


def test_every_export_is_audited_with_its_format(client, history, clinician):
    login(client, history.user)
    body(client.get("/export/diary.csv"))
    body(client.get("/export/diary.json"))
    login(client, clinician)
    body(client.get(f"/clinic/patients/{history.pk}/export.csv"))
    body(client.get(f"/clinic/patients/{history.pk}/fhir.json"))
    events = AuditEvent.objects.filter(action__startswith="export").order_by("id")
    assert [(e.actor, e.action, e.patient) for e in events] == [
        (history.user, "export_csv", history), (history.user, "export_json", history),
        (clinician, "export_csv", history), (clinician, "export_fhir", history),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "path", ["/clinic/patients/{pk}/export.csv", "/clinic/patients/{pk}/fhir.json"]
)
@pytest.mark.parametrize("who", ["other_clinician", "foreign_clinician"])
def test_another_clinicians_patient_is_a_404_and_the_attempt_audited(
    client, request, history, path, who
):
    someone = request.getfixturevalue(who)
    login(client, someone)
    assert client.get(path.format(pk=history.pk)).status_code == 404
    event = AuditEvent.objects.get(action__startswith="export")
    assert (event.outcome, event.patient, event.object_id) == ("denied", None, str(history.pk))


def test_a_patient_only_ever_downloads_their_own(client, history, other_patient):
    EntryFactory(patient=other_patient, note="Ben's own note")
    login(client, other_patient.user)
    for path in ("/export/diary.csv", "/export/diary.json"):
        text = body(client.get(path, {"patient": history.pk, "pk": history.pk}))
        assert "Ben's own note" in text and "睡眠" not in text


# --- The JSON, and moving a patient ------------------------------------------------------


def test_the_json_holds_every_revision_prescription_and_answer(patient_client, history):
    data = json.loads(body(patient_client.get("/export/diary.json")))
    assert data["format"] == "ldn-tracker-patient" and data["version"] == 1
    edited = next(d for d in data["diary"] if len(d["revisions"]) == 2)
    assert [r["data"]["note"] for r in edited["revisions"]] == [
        "",
        '=HYPERLINK("http://evil.example")',
    ]
    assert edited["note"] == "Schlaf gut · 睡眠 — café" and edited["version"] == 3
    assert [rx["dose_mg"] for rx in data["prescriptions"]] == ["1.5", "4.5"]
    assert data["pgic"][0]["value"] == 2
    assert data["reviews"][0]["outcome"] == "continue"
    assert "Private working." not in json.dumps(data)  # the clinician's note stays theirs


@pytest.mark.slow
def test_the_json_reimported_into_a_fresh_database_reproduces_the_diary_exactly(
    patient_client, history, tmp_path
):
    exported = body(patient_client.get("/export/diary.json"))
    (tmp_path / "ada.json").write_text(exported, encoding="utf-8")
    fresh = f"sqlite:///{tmp_path / 'other-clinic.sqlite3'}"
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL")
    }
    env |= {
        "DATABASE_URL": fresh,
        "DJANGO_SETTINGS_MODULE": "ldn_tracker.settings",
        "TASKS_BACKEND": "immediate",
    }

    def manage(*args: str) -> str:
        out = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stdout + out.stderr
        return out.stdout

    manage("migrate", "--noinput", "-v", "0")
    manage(
        "shell", "-c", "from tracker.models import Clinic; Clinic.objects.create(name='Hilltop')"
    )
    assert "49 diary days" in manage(
        "import_patient_json", str(tmp_path / "ada.json"), "--clinic", "Hilltop"
    )
    manage(
        "shell", "-c",
        "import datetime as dt, pathlib; from tracker.models import Patient; "
        "from tracker.exports.patient_json import stream; "
        f"pathlib.Path({str(tmp_path / 'again.json')!r}).write_text(''.join(stream("
        "Patient.objects.get(), dt.datetime.fromisoformat('2026-01-01T00:00:00+00:00'))))",
    )  # fmt: skip
    again = (tmp_path / "again.json").read_text()
    before, after = json.loads(exported), json.loads(again)
    assert after["diary"] == before["diary"]  # every value, version, time and revision

    # A prescription's author was a clinician of the old clinic: kept as the history of
    # doses, not as a person here.
    def steps(data):  # type: ignore[no-untyped-def]
        return [
            {k: v for k, v in rx.items() if k not in ("set_by", "created_at")}
            for rx in data["prescriptions"]
        ]

    assert steps(after) == steps(before)
    assert after["pgic"] == before["pgic"]
    (review,) = after["reviews"]
    assert {
        k: review[k] for k in ("point", "outcome", "next_week", "recorded_at", "review_week")
    } == {
        k: before["reviews"][0][k]
        for k in ("point", "outcome", "next_week", "recorded_at", "review_week")
    }
    assert review["recorded_by"].endswith("at Riverside Pain Clinic")
    assert {k: v for k, v in after["patient"].items() if k != "clinic"} == {
        k: v for k, v in before["patient"].items() if k != "clinic"
    }


def test_importing_the_same_patient_twice_is_refused(patient_client, history, tmp_path):
    from django.core.management import CommandError, call_command

    (tmp_path / "ada.json").write_text(body(patient_client.get("/export/diary.json")))
    with pytest.raises(CommandError, match="already has an account"):
        call_command(
            "import_patient_json", str(tmp_path / "ada.json"), "--clinic", "Riverside Pain Clinic"
        )
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    with pytest.raises(CommandError, match="not an LDN Tracker patient export"):
        call_command(
            "import_patient_json",
            str(tmp_path / "bad.json"),
            "--clinic",
            "Riverside Pain Clinic",
            "--email",
            "x@example.org",
        )


# --- FHIR ----------------------------------------------------------------------------------


@pytest.fixture
def bundle_text(client, history, clinician):
    login(client, clinician)
    response = client.get(f"/clinic/patients/{history.pk}/fhir.json")
    assert response["Content-Type"] == "application/fhir+json"
    return body(response)


def test_the_bundle_validates_with_an_independent_fhir_library(bundle_text):
    from fhir.resources.R4B.bundle import Bundle

    bundle = Bundle.model_validate_json(bundle_text)
    assert bundle.type == "collection"
    kinds = Counter(e.resource.get_resource_type() for e in bundle.entry)
    assert kinds["Patient"] == 1
    assert kinds["MedicationRequest"] == 2
    assert kinds["MedicationAdministration"] == 49
    assert kinds["QuestionnaireResponse"] == 1
    assert kinds["Observation"] > 49 * 8


def test_each_observation_carries_its_code_and_unit_and_the_diarys_value(bundle_text, history):
    data = json.loads(bundle_text)
    entries = {e.pk: e for e in DailyEntry.objects.filter(patient=history)}
    by_date = {e.date.isoformat(): e for e in entries.values()}
    from tracker.exports.fhir import MEASURES, measured

    codes = {code: field for field, _, code, _, _ in MEASURES}
    seen = 0
    for item in data["entry"]:
        resource = item["resource"]
        if resource["resourceType"] != "Observation":
            continue
        coding = resource["code"]["coding"][0]
        assert coding["system"] in (
            "http://loinc.org",
            "https://fhir.ldn-tracker.example/CodeSystem/diary",
        )
        quantity = resource["valueQuantity"]
        assert quantity["system"] == "http://unitsofmeasure.org" and quantity["code"]
        entry = by_date[resource["effectiveDateTime"]]
        assert Decimal(str(quantity["value"])) == measured(entry, codes[coding["code"]])
        seen += 1
    assert seen > 0
    pain = [
        i["resource"]
        for i in data["entry"]
        if i["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "72514-3"
    ]
    assert len(pain) == 49 and pain[0]["valueQuantity"]["code"] == "{score}"
    sleep = [
        i["resource"]
        for i in data["entry"]
        if i["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "93832-4"
    ]
    assert sleep[0]["valueQuantity"]["code"] == "h"


def test_each_administration_has_the_mg_and_the_time_or_says_not_done(bundle_text, history):
    data = json.loads(bundle_text)
    given = [
        i["resource"]
        for i in data["entry"]
        if i["resource"]["resourceType"] == "MedicationAdministration"
    ]
    done = [g for g in given if g["status"] == "completed"]
    skipped = [g for g in given if g["status"] == "not-done"]
    assert len(skipped) == 1 + 7  # the missed dose, and the baseline week before LDN
    assert all(
        g["dosage"]["dose"]["unit"] == "mg" and "T22:00:00" in g["effectiveDateTime"] for g in done
    )
    assert all(g["medicationCodeableConcept"]["coding"][0]["code"] == "7243" for g in given)


def test_a_second_export_of_the_same_data_is_identical(client, history, clinician, bundle_text):
    again = body(client.get(f"/clinic/patients/{history.pk}/fhir.json"))
    assert again == bundle_text
    ids = [e["resource"]["id"] for e in json.loads(bundle_text)["entry"]]
    assert len(ids) == len(set(ids))  # every resource its own stable id
