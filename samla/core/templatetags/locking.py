"""``{% version_input object %}``: the hidden field with the version an edit form was opened at."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from samla.core.locking import VERSION_FIELD, submitted_version

register = template.Library()


@register.simple_tag(takes_context=True)
def version_input(context: template.Context, obj: Any) -> str:
    """After a refused POST (form errors) the form keeps the version the user started from,
    so that a later save still notices someone else's edit made in between."""
    current = getattr(obj, "edit_version", None)
    if not current:
        return ""
    request = context.get("request")
    kept = submitted_version(request) if request is not None and request.method == "POST" else None
    return format_html('<input type="hidden" name="{}" value="{}">', VERSION_FIELD, kept or current)
