"""Process-level tuning applied where Samla serves requests (wsgi.py, and the benchmark).

Analysis pages build tens of thousands of short-lived tuples; with CPython's default
thresholds the collector runs full passes over every long-lived object (the loaded code,
settings, translations) many times per request. Freezing what exists after start-up and
raising the first threshold keeps collection cheap without turning it off.
"""

from __future__ import annotations

import gc


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
