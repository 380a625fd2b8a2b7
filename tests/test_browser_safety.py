"""Issue 13 in real Chromium: the emergency card prints on one page at a credit card's size,
and the clinic outcomes page draws its chart."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from tracker.models import PatientSummary

from .browser import sign_in, sign_in_staff
from .factories import PASSWORD, PatientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MM = 96 / 25.4  # CSS pixels in a millimetre


def test_the_emergency_card_prints_on_one_page_at_a_credit_cards_size(page, patient):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.goto("/card/")
    page.emulate_media(media="print")
    box = page.locator(".wallet-card").bounding_box()
    assert box["width"] / MM == pytest.approx(85.6, abs=0.5)
    assert box["height"] / MM == pytest.approx(54.0, abs=0.5)
    # Nothing inside spills out of the card's outline.
    spill = page.evaluate(
        "() => { const c = document.querySelector('.wallet-card');"
        " return c.scrollHeight - c.clientHeight; }"
    )
    assert spill <= 0
    assert page.locator(".no-print").is_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1


def test_the_outcomes_page_draws_its_chart(page, clinic, clinician):
    today = dt.date.today()
    for verdict in ["responding"] * 4 + ["partial"] * 2 + ["no_response"]:
        patient = PatientFactory(user__clinic=clinic, clinician=clinician)
        PatientSummary.objects.filter(patient=patient).update(
            day_one=today - dt.timedelta(days=41), review_point=1, review_on=today,
            judged=verdict, verdict=verdict, dose_mg=Decimal("4.5"), adherence=Decimal("0.9"),
        )  # fmt: skip
    sign_in_staff(page, clinician, PASSWORD)
    page.wait_for_url("**/clinic/")
    page.get_by_role("link", name="Outcomes").click()
    page.wait_for_url("**/clinic/outcomes/")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'))"
    )
    data = page.evaluate(
        "() => { const c = Chart.getChart(document.querySelector('canvas[data-chart]'));"
        " return {labels: c.data.labels, first: c.data.datasets[0].data}; }"
    )
    assert data["labels"][0].startswith("All patients")
    assert data["first"][0] == pytest.approx(57.1)  # 4 of 7 responding
    assert page.csp_errors == []
