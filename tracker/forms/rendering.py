"""How forms render: every field through one template (`forms/field.html`: label or legend,
help, errors, then the input), with the templates a page renders dozens of times done in
Python. The diary's scales have 62 radio buttons, each three template includes deep in
Django's own widget templates; rendering them took most of the Today page's time
(issue 14). The output is Django's templates' output, character for character:
tests/test_forms_html.py renders every field of every form both ways and compares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import TemplatesSetting
from django.utils.safestring import SafeString, mark_safe

from ..formatting import conditional_escape

WIDGETS = "django/forms/widgets/"
FIELD = "forms/field.html"


def _attributes(attrs: dict[str, Any]) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(f" {conditional_escape(name)}")
        elif value is not False:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    """input.html."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{shown}{_attributes(widget['attrs'])}>\n"
    )


def _option(option: dict[str, Any]) -> str:
    """radio_option.html and checkbox_option.html (input_option.html, then a newline)."""
    if not option["wrap_label"]:
        return _input(option) + "\n"
    option_id = option["attrs"].get("id")
    label_for = f' for="{conditional_escape(option_id)}"' if option_id else ""
    return f"<label{label_for}>{_input(option)} {conditional_escape(option['label'])}</label>\n\n"


def _multiple(widget: dict[str, Any]) -> str:
    """multiple_input.html (radio buttons and checkboxes), then a newline."""
    attrs = widget["attrs"]
    out = [
        "<div",
        f' id="{conditional_escape(attrs["id"])}"' if attrs.get("id") else "",
        f' class="{conditional_escape(attrs["class"])}"' if attrs.get("class") else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            if option["template_name"] not in OPTION_TEMPLATES:
                raise _NotFast
            out.append(f"<div>\n    {_option(option)}</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>\n"
    )


class _NotFast(Exception):
    """Something the Python rendering does not cover: the template renders it."""


OPTION_TEMPLATES = {WIDGETS + "radio_option.html", WIDGETS + "checkbox_option.html"}
INPUTS = ("text", "number", "email", "url", "password", "hidden", "date", "time", "search",
          "checkbox", "datetime")  # fmt: skip
FAST: dict[str, Callable[[dict[str, Any]], str]] = {
    **{f"{WIDGETS}{name}.html": lambda w: _input(w) + "\n" for name in INPUTS},
    WIDGETS + "radio.html": lambda w: _multiple(w) + "\n",
    WIDGETS + "checkbox_select.html": lambda w: _multiple(w) + "\n",
    WIDGETS + "textarea.html": _textarea,
}


LABEL = "django/forms/label.html"


def _label(context: dict[str, Any]) -> str:
    """django/forms/label.html: `<label for="…">Text</label>`, or the text alone."""
    if not context["use_tag"]:
        return conditional_escape(context["label"])
    tag = conditional_escape(context["tag"])
    attrs = _attributes(context["attrs"])
    return f"<{tag}{attrs}>{conditional_escape(context['label'])}</{tag}>"


def _field(field: Any) -> str:
    """forms/field.html, the template every field renders through."""
    invalid = " field--invalid" if field.errors else ""
    help_text = field.help_text
    if field.use_fieldset:
        described = f' aria-describedby="{field.auto_id}_helptext"' if help_text else ""
        out = (
            f'<fieldset class="field field--{conditional_escape(field.name)}{invalid}"{described}>\n'
            f"  <legend>{conditional_escape(field.label)}</legend>\n"
        )
    else:
        out = (
            f'<div class="field field--{conditional_escape(field.name)}{invalid}">\n'
            f"  {conditional_escape(field.label_tag())}\n"
        )
    out += "\n  "
    if help_text:
        out += (
            f'<p class="helptext" id="{field.auto_id}_helptext">{conditional_escape(help_text)}</p>'
        )
    out += "\n  "
    if field.errors:
        items = "".join(f"<li>{conditional_escape(error)}</li>" for error in field.errors)
        out += f'<ul class="errorlist" id="{field.auto_id}_error">{items}</ul>'
    out += f"\n  {conditional_escape(field)}\n"
    out += "</fieldset>" if field.use_fieldset else "</div>"
    return out


class FormRenderer(TemplatesSetting):
    """Fields render through `forms/field.html`; it and the widgets a page repeats are
    rendered in Python."""

    field_template_name = FIELD

    def render(
        self, template_name: str, context: dict[str, Any], request: Any = None
    ) -> SafeString:
        if template_name == FIELD and set(context) == {"field"}:
            return mark_safe(_field(context["field"]).strip())  # noqa: S308 (values escaped)
        if template_name == LABEL:
            return mark_safe(_label(context).strip())  # noqa: S308 (values escaped)
        fast = FAST.get(template_name)
        if fast is not None and "widget" in context:
            try:
                # As BaseRenderer.render does, the outer whitespace stripped.
                return mark_safe(fast(context["widget"]).strip())  # noqa: S308 (values escaped)
            except _NotFast:
                pass
        return mark_safe(super().render(template_name, context, request))  # noqa: S308 (Django's)
