"""Landscape benchmarks (issue: application landscape).

- Every analysis page at national scale (356 members, ≈20 000 installations, 10 000
  contracts, ≈100 000 cost lines): server time (min and median of 7 runs after one warm
  run) and query count, beside the same page for the 3-member demo collaboration, so the
  query count can be compared across sizes. Target: under 300 ms.
- A 20 000-row XLSX import of installations into the national collaboration. Target:
  under 60 s.
"""

from __future__ import annotations

import statistics
import time
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

PAGES = [
    ("matrix", "/s/{slug}/landskap/"),
    ("harmonisation", "/s/{slug}/landskap/harmonisering/"),
    ("consolidation", "/s/{slug}/landskap/konsolidering/"),
    ("contract timeline", "/s/{slug}/landskap/avtaletidslinje/"),
    ("ICT costs", "/s/{slug}/landskap/ikt-kostnader/"),
    ("target portfolio", "/s/{slug}/landskap/malportefolje/"),
    ("installations register", "/s/{slug}/landskap/installasjoner/"),
]
RUNS = 7


def ensure_data() -> None:
    from samla.landscape.models import Installation
    from samla.organisations.models import Collaboration

    if not Collaboration.objects.filter(slug="nasjonal").exists():
        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--scale", "national", stdout=StringIO())
    national = Collaboration.objects.get(slug="nasjonal")
    if not Installation.objects.filter(collaboration=national).exists():
        call_command("generate_landscape", "--collaboration", "nasjonal", stdout=StringIO())


def time_page(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        queries = len(captured)
    return {
        "min_ms": round(min(timings), 1),
        "median_ms": round(statistics.median(timings), 1),
        "queries": queries,
        "bytes": len(response.content),
    }


def run(only: list[str]) -> dict[str, Any]:
    from samla.landscape.models import Contract, IctCost, Installation
    from samla.organisations.models import Collaboration, User

    call_command("migrate", verbosity=0)
    ensure_data()
    national = Collaboration.objects.get(slug="nasjonal")
    sizes = {
        "installations": Installation.objects.filter(collaboration=national).count(),
        "contracts": Contract.objects.filter(collaboration=national).count(),
        "cost_lines": IctCost.objects.filter(collaboration=national).count(),
        "members": national.memberships.count(),
    }
    print(f"National landscape: {sizes}")
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    pages: dict[str, Any] = {}
    print(f"\n{'page':<24} {'demo q':>7} {'nat. q':>7} {'min ms':>8} {'median':>8}  target <300 ms")
    for name, pattern in PAGES:
        if only and name.split()[0] not in only:
            continue
        small = time_page(client, pattern.format(slug="nye-asker"))
        large = time_page(client, pattern.format(slug="nasjonal"))
        pages[name] = {"demo": small, "national": large}
        verdict = "ok" if large["median_ms"] < 300 else "SLOW"
        print(
            f"{name:<24} {small['queries']:>7} {large['queries']:>7} {large['min_ms']:>8} "
            f"{large['median_ms']:>8}  {verdict}"
        )
    result: dict[str, Any] = {"sizes": sizes, "pages": pages}
    if not only or "import" in only:
        result["import"] = bench_import(national)
    return result


def bench_import(national: Any) -> dict[str, Any]:
    """Export the national installations to XLSX, delete them, and time importing them back."""
    import openpyxl

    from samla.landscape import io as landscape_io
    from samla.landscape.models import Installation

    workbook = openpyxl.load_workbook(
        __import__("io").BytesIO(landscape_io.export_landscape_workbook(national))
    )
    for name in list(workbook.sheetnames):
        if name != "Installasjoner":
            del workbook[name]
    buffer = __import__("io").BytesIO()
    workbook.save(buffer)
    rows = workbook["Installasjoner"].max_row - 1
    Installation.objects.filter(collaboration=national).delete()
    start = time.perf_counter()
    report = landscape_io.import_landscape_file(national, buffer.getvalue(), "installasjoner.xlsx", dry_run=False)
    seconds = time.perf_counter() - start
    created = Installation.objects.filter(collaboration=national).count()
    ok = not getattr(report, "problems", None)
    print(f"\nXLSX import: {rows} rows in {seconds:.1f} s ({created} installations; problems: {not ok}); target <60 s")
    return {"rows": rows, "seconds": round(seconds, 2), "created": created, "ok": ok}
