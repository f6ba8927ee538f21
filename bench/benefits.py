"""Benefit-realisation benchmarks (issue 8).

A collaboration of its own («gevinstytelse», 20 member municipalities) gets 2 000 benefits,
6 000 indicators (none for every tenth benefit: «mangler indikator») with two intermediate
targets each, and 100 000 quarterly measurements. Built once with bulk inserts (no history
rows: the register does not read history) and reused. It needs only the small demo (for the
administrator), not the national data.

Timed (min and median of 7 runs after one warm run, and the query count): the register's
selector ``benefits_with_progress`` on its own (unfiltered, and filtered to behind plan), the
reminder scan ``due_indicators`` (what ``samla remind`` reads every day; in this data about
half the indicators are overdue, the worst case), and, when built, the register and dashboard
pages through the real URLs as a logged-in administrator. Target: under 300 ms. At this size
the selector spends its time building some 25 000 model objects (five queries, whatever the
size); a page listing thousands of benefits at once stays above the target.

First figures (2 shared cores under load 3–7, SQLite): register selector 1.5 s min,
reminder scan 0.4 s, register page 2.0 s, dashboard 4.4 s; queries 5, 8, 12, 9.

Since then the register page shows 50 benefits a page: its order and filter counts come from
``register_entries`` (each indicator's status from plain ``values()`` rows, five queries),
and full objects are built for the page's benefits only (``rows_for``); the dashboard sums
from plain values too and lists the 50 worst indicators. ``register entries`` times that
selector; ``register selector`` (every benefit as objects) is what the XLSX download builds.
Figures on the same machine (load about 2), before → after (min / median ms, queries):
register page 1 756 / 1 906 (12) → 295 / 322 (17); dashboard 4 797 / 9 044 (9) →
250 / 263 (15); register entries 222 / 246 (5). The XLSX download still builds every benefit
(the register selector, about 0.8 s).
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from bench.landscape import RUNS, time_page

SLUG = "gevinstytelse"
MEMBERS = 20
BENEFITS = 2_000
INDICATORS_PER_BENEFIT = 3  # for nine of ten benefits
MEASUREMENTS = 100_000
TARGET_MS = 300


def ensure_benefits() -> Any:
    from django.core.management import call_command

    from samla.benefits import models as b
    from samla.organisations import services
    from samla.organisations.models import Collaboration, Role, User

    if not User.objects.filter(username="admin").exists():
        call_command("seed_demo", stdout=StringIO())
    admin = User.objects.get(username="admin")
    collaboration = Collaboration.objects.filter(slug=SLUG).first()
    if collaboration is None:
        collaboration = services.collaboration_create(
            created_by=admin,
            name="Gevinster, ytelsestest",
            slug=SLUG,
            kind=Collaboration.Kind.INTER_MUNICIPAL,
        )
        for k in range(MEMBERS):
            services.organisation_create_as_member(
                collaboration=collaboration, name=f"Ytelse {k + 1:02d} kommune"
            )
    base = datetime.date(2022, 1, 1)  # 18 quarterly measurements up to late 2026
    built = b.Measurement.objects.filter(indicator__benefit__collaboration=collaboration)
    if (
        built.count() == MEASUREMENTS
        and b.Indicator.objects.filter(
            benefit__collaboration=collaboration, baseline_date=base
        ).exists()
    ):
        return collaboration
    started = time.perf_counter()
    rng = random.Random(8)
    organisations = list(collaboration.memberships.values_list("organisation_id", flat=True))
    owner = Role.objects.filter(collaboration=collaboration).first()
    owner_id = owner.user_id if owner else admin.pk
    with transaction.atomic():
        b.Benefit.objects.filter(collaboration=collaboration).delete()
        benefits = b.Benefit.objects.bulk_create(
            (
                b.Benefit(
                    collaboration=collaboration,
                    code=f"G{k + 1:04d}",
                    title=f"Ytelsesgevinst {k + 1:04d}",
                    benefit_class=rng.choice(["budget", "capacity", "elsewhere", "non_priced"]),
                    status="realising",
                    owner_id=owner_id,
                )
                for k in range(BENEFITS)
            ),
            batch_size=2000,
        )
        b.Benefit.organisations.through.objects.bulk_create(
            (
                b.Benefit.organisations.through(
                    benefit_id=benefit.pk, organisation_id=organisations[(i + j) % MEMBERS]
                )
                for i, benefit in enumerate(benefits)
                for j in range(3)
            ),
            batch_size=5000,
        )
        indicators = b.Indicator.objects.bulk_create(
            (
                b.Indicator(
                    benefit=benefit,
                    name=f"Indikator {j + 1}",
                    unit="hours",
                    baseline_value=Decimal(10_000),
                    baseline_date=base,
                    target_value=Decimal(6_000),
                    target_date=datetime.date(2028, 12, 31),
                    frequency="quarterly",
                    order=j,
                )
                for i, benefit in enumerate(benefits)
                if i % 10
                for j in range(INDICATORS_PER_BENEFIT)
            ),
            batch_size=2000,
        )
        b.IndicatorTarget.objects.bulk_create(
            (
                b.IndicatorTarget(
                    indicator=indicator, date=datetime.date(year, 12, 31), value=Decimal(value)
                )
                for indicator in indicators
                for year, value in ((2025, 9_000), (2026, 8_000))
            ),
            batch_size=5000,
        )
        per = MEASUREMENTS // len(indicators)
        extra = MEASUREMENTS - per * len(indicators)
        measurements = []
        for k, indicator in enumerate(indicators):
            for q in range(per + (1 if k < extra else 0)):
                index = base.month - 1 + 3 * (q + 1)
                on = datetime.date(base.year + index // 12, index % 12 + 1, 1)
                measurements.append(
                    b.Measurement(
                        indicator=indicator,
                        measured_on=on,
                        value=Decimal(10_000 - rng.randint(0, 300) * (q + 1)),
                        organisation_id=organisations[k % MEMBERS] if q % 2 else None,
                    )
                )
        b.Measurement.objects.bulk_create(measurements, batch_size=5000)
    print(f"Built the benefits benchmark in {time.perf_counter() - started:.0f} s")
    return collaboration


def _time(call: Callable[[], object]) -> dict[str, Any]:
    call()
    timings = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return {
        "min_ms": round(min(timings), 1),
        "median_ms": round(statistics.median(timings), 1),
        "queries": queries,
    }


def _url(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(f"benefits:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


def run(only: list[str]) -> dict[str, Any]:
    from django.core.management import call_command

    from samla.benefits import models as b
    from samla.benefits import selectors
    from samla.benefits.reminders import due_indicators
    from samla.core.dates import today
    from samla.organisations.models import User

    call_command("migrate", verbosity=0)
    collaboration = ensure_benefits()
    sizes = {
        "benefits": b.Benefit.objects.filter(collaboration=collaboration).count(),
        "indicators": b.Indicator.objects.filter(benefit__collaboration=collaboration).count(),
        "measurements": b.Measurement.objects.filter(
            indicator__benefit__collaboration=collaboration
        ).count(),
    }
    print(f"Benefits: {sizes}")
    figures: dict[str, Any] = {"sizes": sizes, "selectors": {}, "pages": {}, "runs": RUNS}
    day = today()
    print(f"\n{'what':<28} {'queries':>7} {'min ms':>8} {'median':>8}  target <{TARGET_MS} ms")
    calls: dict[str, Callable[[], object]] = {
        "register selector": lambda: selectors.benefits_with_progress(collaboration, today=day),
        "register entries": lambda: selectors.register_entries(collaboration, today=day),
        "behind-plan filter": lambda: selectors.benefits_with_progress(
            collaboration, status="behind", today=day
        ),
        "reminder scan": lambda: due_indicators(today=day),
    }
    for name, call in calls.items():
        if only and name.replace(" ", "_") not in only:
            continue
        timing = _time(call)
        figures["selectors"][name] = timing
        verdict = "ok" if timing["median_ms"] < TARGET_MS else "SLOW"
        print(
            f"{name:<28} {timing['queries']:>7} {timing['min_ms']:>8} {timing['median_ms']:>8}  "
            f"{verdict}"
        )
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    for name, address in {
        "register page": _url("benefit_list", slug=SLUG),
        "dashboard page": _url("dashboard", slug=SLUG),
    }.items():
        if only and name.replace(" ", "_") not in only:
            continue
        if address is None:
            print(f"{name:<28} (page not built yet)")
            continue
        try:
            timing = time_page(client, address)
        except AssertionError as error:
            print(f"{name:<28} (page answered {error})")
            continue
        figures["pages"][name] = timing
        verdict = "ok" if timing["median_ms"] < TARGET_MS else "SLOW"
        print(
            f"{name:<28} {timing['queries']:>7} {timing['min_ms']:>8} {timing['median_ms']:>8}  "
            f"{verdict}"
        )
    return figures
