"""Whatever a browser (or an attacker) posts to the diary: never a 500, never a bad row."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.models import DailyEntry

from .factories import valid_form_data

pytestmark = pytest.mark.slow  # `make test-fast` leaves it out

FIELDS = ["date", *DailyEntry.VALUE_FIELDS, "version"]

numbers = st.one_of(
    st.integers(-100, 100).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.floats(-50, 50).map(lambda f: f"{f:.2f}"),
)
values = st.one_of(
    numbers,
    st.text(max_size=30),
    st.sampled_from(["yes", "no", "", "on", "none", "vivid", "nightmares", "22:00", "99:99"]),
    st.dates().map(lambda d: d.isoformat()),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(overrides=st.dictionaries(st.sampled_from(FIELDS), values, max_size=8))
def test_generated_diary_posts_never_fail_and_never_store_bad_rows(
    patient_client, patient, overrides
):
    data = valid_form_data(patient.diary_today(), **overrides)
    response = patient_client.post("/diary/", data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    for entry in DailyEntry.objects.all():
        entry.full_clean()
        assert entry.patient_id == patient.pk
        assert entry.dose_taken is False or entry.dose_mg is not None
        assert (entry.sleep_hours * 4) % 1 == 0
