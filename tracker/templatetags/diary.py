from __future__ import annotations

from django import template

from ..formatting import plain_number

register = template.Library()
register.filter("number", plain_number)
