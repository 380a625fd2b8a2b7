"""Widgets rendered in Python (`tracker.forms.rendering`) give exactly what Django's own
widget templates give, for every field of every form, bound or not, valid or not: the speed
work of issue 14 must not change a page by a character."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting

from tracker.forms import accounts, clinic_admin, clinician, patient
from tracker.forms.rendering import FAST, FormRenderer

DAY = dt.date(2026, 3, 1)
POSTED = {
    "pain": "3", "mood": "x", "dose_taken": "yes", "dreams": "vivid", "note": "<b>&amp;</b>",
    "dose_mg": "4,5", "time_taken": "22:00", "outcome": "stop", "q": '"quoted"', "role": "x",
}  # fmt: skip


def _forms() -> list[forms.Form]:
    made: list[forms.Form] = []
    for module in (patient, clinician, clinic_admin, accounts):
        for name in sorted(dir(module)):
            cls = getattr(module, name)
            if not (isinstance(cls, type) and issubclass(cls, forms.Form)):
                continue
            if cls.__module__ != module.__name__:
                continue
            for data in (None, POSTED):
                form = _make(cls, data)
                if form is not None:
                    made.append(form)
    return made


def _make(cls: type[forms.Form], data: dict[str, str] | None) -> forms.Form | None:
    for kwargs in ({}, {"earliest": DAY, "latest": DAY}, {"current_week": 6}):
        try:
            form = cls(data, **kwargs)
        except TypeError:
            continue
        if data is not None:
            form.is_valid()
        return form
    return None


FIELDS = [(form, name) for form in _forms() for name in form.fields]


def test_the_forms_are_all_found():
    assert len({type(form) for form, _ in FIELDS}) >= 10
    assert len(FIELDS) >= 80


class TemplatesOnly(TemplatesSetting):
    field_template_name = FormRenderer.field_template_name


@pytest.mark.parametrize(
    ("form", "name"), FIELDS, ids=[f"{type(f).__name__}.{n}.{f.is_bound}" for f, n in FIELDS]
)
def test_python_and_templates_render_the_same(form, name):
    ours = form[name].as_field_group(), form[name].label_tag(), form[name].legend_tag()
    form.renderer = TemplatesOnly()
    theirs = form[name].as_field_group(), form[name].label_tag(), form[name].legend_tag()
    assert ours == theirs


def test_the_diary_uses_the_fast_path_for_every_widget(db):
    form = patient.DiaryForm(earliest=DAY, latest=DAY)
    templates = {form[name].field.widget.template_name for name in form.fields}
    assert templates <= set(FAST)


def test_the_field_template_is_rendered_in_python(monkeypatch):
    from tracker.forms import rendering

    calls: list[str] = []
    original = rendering._field
    monkeypatch.setattr(
        rendering, "_field", lambda field: calls.append(field.name) or original(field)
    )
    form = patient.DiaryForm({"pain": "x"}, earliest=DAY, latest=DAY)
    form.is_valid()
    html = form["pain"].as_field_group()
    assert calls == ["pain"] and 'class="field field--pain field--invalid"' in html
