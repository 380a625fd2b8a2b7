"""What a patient or a clinician types is escaped on every page whose rows are made in
Python (issue 14's speed work replaced template autoescaping there with our own)."""

from __future__ import annotations

import pytest

from tracker.services.status import refresh_patient

from .factories import EntryFactory, login

HOSTILE = '<script>alert("x")</script>&amp; "quoted"'


@pytest.fixture
def hostile_day(patient):
    day = patient.diary_today()
    EntryFactory(patient=patient, date=day, note=HOSTILE, opioid_taken=True, opioid_name=HOSTILE)
    patient.user.first_name = HOSTILE
    patient.user.save()
    refresh_patient(patient)
    return day


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("patient", "/history/"),  # the note
        ("clinician", "/clinic/patients/{pk}/"),  # note, opioid name, patient's name
        ("clinician", "/clinic/"),  # the patient's name
    ],
)
def test_typed_text_is_escaped_once(client, patient, clinician, hostile_day, who, path):
    login(client, patient.user if who == "patient" else clinician)
    html = client.get(path.format(pk=patient.pk)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp; &quot;quoted&quot;" in html
    assert "&amp;amp;amp;" not in html and "&amp;lt;" not in html  # not twice


def test_a_field_value_with_markup_stays_text_in_the_form(client, patient):
    login(client, patient.user)
    html = client.post("/diary/", {"note": HOSTILE, "pain": "x"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;" in html
