"""Placeholder: filled in by the module's own commit."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
