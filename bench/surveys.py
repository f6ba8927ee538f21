"""Survey benchmarks (issue: system-evaluation surveys).

One anonymous, closed campaign in the national bench collaboration evaluates 200 products of
one category; 400 user groups (two municipalities per product) gave 50 000 responses with
the demo's plausible answers to the shipped questionnaire, about 15 answer rows each
(≈ 770 000 ``Answer`` rows, more than the 12 a response was budgeted). Built once with the
same bulk path as the demo (``samla.surveys.demo.responses_bulk_create``) and reused.

Figures on a 2-core machine shared with other test runs (load ≈ 8): result page min 468 ms
/ median 536 ms, comparison 368 / 407 ms, 12 and 13 queries. Reading the 200 products at
once (the API, the XLSX export) costs one GROUP BY over every answer of the campaign:
≈ 5 s on SQLite; a covering index on ``Answer`` did not help (tried), the temporary
B-tree of the GROUP BY dominates.

Timed (min and median of 7 runs after one warm run, and the query count): the campaign's
result page and the category comparison page, each showing its first page of products.
Target: under 1 s. Also, for information: the results of all 200 products at once as the
API returns them, and the XLSX export.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.landscape import RUNS, ensure_data, time_page

CAMPAIGN = "Ytelsestest: 200 systemer"
QUESTIONNAIRE = "Ytelsestest-skjema"
PRODUCTS = 200
GROUPS_PER_PRODUCT = 2
RESPONSES = 50_000
CATEGORY_CODE = "ADM-SAK"
TARGET_MS = 1000


def ensure_campaign() -> Any:
    """The benchmark campaign, built on the first run (a minute or two) and reused after."""
    from samla.core.dates import today
    from samla.landscape import services as landscape_services
    from samla.landscape.models import Product, SystemCategory
    from samla.organisations.models import Collaboration, Organisation
    from samla.surveys import demo, services
    from samla.surveys.models import Campaign, Questionnaire, Response

    national = Collaboration.objects.get(slug="nasjonal")
    existing = Campaign.objects.filter(collaboration=national, name=CAMPAIGN).first()
    if existing is not None and Response.objects.filter(campaign=existing).count() == RESPONSES:
        return existing
    started = time.perf_counter()
    with transaction.atomic():
        if existing is not None:  # half built by an interrupted run
            Response.objects.filter(campaign=existing).delete()
            existing.delete()
        category = SystemCategory.objects.get(collaboration=national, code=CATEGORY_CODE)
        products = []
        for index in range(1, PRODUCTS + 1):
            name = f"Evalueringssystem {index:03d}"
            products.append(
                Product.objects.filter(collaboration=national, name=name).first()
                or landscape_services.product_save(collaboration=national, name=name)
            )
        questionnaire = Questionnaire.objects.filter(
            collaboration=national, name=QUESTIONNAIRE
        ).first() or services.questionnaire_create_from_template(
            collaboration=national, name=QUESTIONNAIRE
        )
        questions = list(questionnaire.questions.all())
        day = today()
        campaign = services.campaign_create(
            collaboration=national,
            products=products,
            name=CAMPAIGN,
            questionnaire=questionnaire,
            category=category,
            opens_on=day - datetime.timedelta(days=60),
            closes_on=day - datetime.timedelta(days=30),
            anonymous=True,
        )
        organisations = list(
            Organisation.objects.filter(memberships__collaboration=national).order_by("name")
        )
        rng = random.Random(50_000)
        groups = []
        for index, product in enumerate(products):
            for offset in range(GROUPS_PER_PRODUCT):
                organisation = organisations[
                    (index * GROUPS_PER_PRODUCT + offset) % len(organisations)
                ]
                groups.append(
                    services.user_group_create(
                        campaign=campaign,
                        organisation=organisation,
                        product=product,
                        name="Fagbrukere",
                        size=200,
                    )
                )
        Campaign.objects.filter(pk=campaign.pk).update(
            launched_at=timezone.now() - datetime.timedelta(days=60)
        )
        campaign.refresh_from_db()
        per_group = RESPONSES // len(groups)
        for group in groups:
            functional = rng.uniform(2.0, 4.5)
            profile = demo.Profile(
                functional,
                max(1.0, functional + rng.uniform(-1, 1)),
                rng.uniform(1, 10),
                demo.PROFILES["Gerica"].strengths,
                demo.PROFILES["Profil"].weaknesses,
            )
            demo.responses_bulk_create(
                campaign=campaign,
                group=group,
                answer_sets=[
                    demo.plausible_answers(rng, questions, profile) for _ in range(per_group)
                ],
                days=[
                    campaign.opens_on + datetime.timedelta(days=rng.randint(0, 30))
                    for _ in range(per_group)
                ],
                batch_size=5000,
            )
    print(f"Built the survey benchmark data in {time.perf_counter() - started:.0f} s")
    return campaign


def time_call(function: Any) -> dict[str, Any]:
    function()
    timings = []
    queries = 0
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            function()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return {
        "min_ms": round(min(timings), 1),
        "median_ms": round(statistics.median(timings), 1),
        "queries": queries,
    }


def run(only: list[str]) -> dict[str, Any]:
    from django.core.management import call_command

    from samla.organisations.models import User
    from samla.surveys import exports, results
    from samla.surveys.models import Answer, Campaign

    call_command("migrate", verbosity=0)
    ensure_data()
    campaign = ensure_campaign()
    assert campaign.category is not None
    sizes = {
        "products": campaign.products.count(),
        "user_groups": campaign.user_groups.count(),
        "responses": campaign.responses.count(),
        "answers": Answer.objects.filter(response__campaign=campaign).count(),
    }
    print(f"Survey: {sizes}")
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    pages = {
        "results": f"/s/nasjonal/undersokelser/{campaign.uuid}/resultater/",
        "comparison": f"/s/nasjonal/undersokelser/sammenligning/{campaign.category.uuid}/",
    }
    figures: dict[str, Any] = {"sizes": sizes, "pages": {}, "runs": RUNS}
    print(f"\n{'page':<24} {'queries':>7} {'min ms':>8} {'median':>8}  target <{TARGET_MS} ms")
    for name, address in pages.items():
        if only and name not in only:
            continue
        timing = time_page(client, address)
        figures["pages"][name] = timing
        verdict = "ok" if timing["median_ms"] < TARGET_MS else "SLOW"
        print(
            f"{name:<24} {timing['queries']:>7} {timing['min_ms']:>8} {timing['median_ms']:>8}  {verdict}"
        )
    if not only or "all" in only:
        fresh = Campaign.objects.select_related("collaboration").get(pk=campaign.pk)
        whole = time_call(lambda: results.campaign_results(fresh))
        export = time_call(lambda: exports.results_xlsx(results.campaign_results(fresh)))
        figures["all_products"] = whole
        figures["xlsx_export"] = export
        print(
            f"{'all 200 products (API)':<24} {whole['queries']:>7} {whole['min_ms']:>8} {whole['median_ms']:>8}  (information)"
        )
        print(
            f"{'XLSX export':<24} {export['queries']:>7} {export['min_ms']:>8} {export['median_ms']:>8}  (information)"
        )
    return figures
