"""The business-case pages: who may open and post to which, the numbers they show (the same
as the engine gives for the exported file), freezing, new versions, comparing and the
Monte Carlo run of a large case.

The e-procurement example of Knutepunkt Sørlandet is imported into "alfa" (with the 30/70
cost-sharing key it needs); version 1 is approved and locked, version 2 is a draft.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html import unescape
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import World
from samla.cases import services
from samla.cases.models import (
    Alternative,
    Assumption,
    BusinessCase,
    CaseVersion,
    Effect,
    Line,
    MonteCarloRun,
)
from samla.core.templatetags.samla import format_number
from samla.finance.caseformat import load_case, parse_case
from samla.finance.evaluate import evaluate, to_json_dict
from samla.organisations import services as organisation_services

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "e-handel-knutepunkt-sorlandet.yaml"
PERSONAS = ["admin", "office", "editor_a", "editor_b", "viewer", "outsider"]
EVERYONE_IN_ALFA = {"admin", "office", "editor_a", "editor_b", "viewer"}
MANAGERS = {"admin", "office"}
NBSP = "\xa0"


@dataclass
class Cases:
    world: World
    case: BusinessCase
    v1: CaseVersion  # approved and locked
    v2: CaseVersion  # the draft
    alternative: Alternative  # "Felles e-handel" in the draft
    line: Line
    effect: Effect
    assumption: Assumption

    def client(self, persona: str | None) -> Client:
        return self.world.client_for(persona)


def example_document(iterations: int = 2_000) -> dict[str, Any]:
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    document["monte_carlo"]["iterations"] = iterations
    document.pop("correlations")  # Samla states them as an assumption; these tests count assumptions
    return document


def build_cases(world: World) -> Cases:
    organisation_services.cost_sharing_key_create(
        collaboration=world.alfa,
        name="30/70",
        method="fixed_plus_population",
        fixed_share_percent=Decimal(30),
    )
    case = services.case_import(collaboration=world.alfa, document=example_document())
    v1 = case.versions.get()
    alternative = v1.alternatives.get(is_zero=False)
    services.effect_create(
        alternative=alternative, name="Bedre innkjøpsstyring", score=2, reason="Mer kontroll."
    )
    services.assumption_create(version=v1, text="Volumet er 500 MNOK i året.", source="Mandatet")
    services.version_freeze(version=v1, stage=CaseVersion.Stage.APPROVED, user=world.admin)
    v1.refresh_from_db()
    v2 = services.version_new(source=v1)
    alternative2 = v2.alternatives.get(is_zero=False)
    return Cases(
        world=world,
        case=case,
        v1=v1,
        v2=v2,
        alternative=alternative2,
        line=alternative2.lines.order_by("order").first(),  # type: ignore[arg-type]
        effect=alternative2.effects.get(),
        assumption=v2.assumptions.get(),
    )


@pytest.fixture
def cases(world: World) -> Cases:
    return build_cases(world)


def url(name: str, *args: Any) -> str:
    return reverse(f"cases:{name}", args=["alfa", *args])


UrlMaker = Callable[[Cases], str]

GET_PAGES: list[tuple[str, UrlMaker, set[str]]] = [
    ("list", lambda c: url("case_list"), EVERYONE_IN_ALFA),
    ("create", lambda c: url("case_create"), MANAGERS),
    ("import", lambda c: url("case_import"), MANAGERS),
    ("case", lambda c: url("case_detail", c.case.uuid), EVERYONE_IN_ALFA),
    ("case edit", lambda c: url("case_edit", c.case.uuid), MANAGERS),
    ("version 1", lambda c: url("version_detail", c.v1.uuid), EVERYONE_IN_ALFA),
    ("version 2", lambda c: url("version_detail", c.v2.uuid), EVERYONE_IN_ALFA),
    (
        "compare",
        lambda c: url("compare", c.case.uuid) + f"?a={c.v1.uuid}&b={c.v2.uuid}",
        EVERYONE_IN_ALFA,
    ),
    ("version edit", lambda c: url("version_edit", c.v2.uuid), MANAGERS),
    ("alternative new", lambda c: url("alternative_create", c.v2.uuid), MANAGERS),
    ("alternative edit", lambda c: url("alternative_edit", c.alternative.uuid), MANAGERS),
    ("line new", lambda c: url("line_create", c.alternative.uuid), MANAGERS),
    ("line edit", lambda c: url("line_edit", c.line.uuid), MANAGERS),
    ("effect new", lambda c: url("effect_create", c.alternative.uuid), MANAGERS),
    ("effect edit", lambda c: url("effect_edit", c.effect.uuid), MANAGERS),
    ("assumption new", lambda c: url("assumption_create", c.v2.uuid), MANAGERS),
    ("assumption edit", lambda c: url("assumption_edit", c.assumption.uuid), MANAGERS),
]


# The personas are looped inside each test: the case is built once per page.
@pytest.mark.parametrize("page", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_get_page(cases: Cases, page: tuple[str, UrlMaker, set[str]]) -> None:
    _, make_url, allowed = page
    address = make_url(cases)
    for persona in PERSONAS:
        response = cases.client(persona).get(address)
        expected = 200 if persona in allowed else 404 if persona == "outsider" else 403
        assert response.status_code == expected, f"{persona} on {address}: {response.status_code}"
        if persona == "outsider":
            assert b"e-handel" not in response.content
    response = cases.client(None).get(address)
    assert response.status_code == 302, f"anonymous on {address}"
    assert response["Location"].startswith(reverse("account_login"))


def test_objects_of_another_collaboration_are_404(cases: Cases) -> None:
    """The outsider's own collaboration does not open alfa's objects under beta either."""
    client = cases.client("outsider")
    objects: list[tuple[str, Any]] = [
        ("case_detail", cases.case),
        ("version_detail", cases.v2),
        ("line_edit", cases.line),
        ("effect_edit", cases.effect),
        ("assumption_edit", cases.assumption),
        ("alternative_edit", cases.alternative),
    ]
    for name, obj in objects:
        address = reverse(f"cases:{name}", args=["beta", obj.uuid])
        assert client.get(address).status_code == 404, name
    missing = url("case_detail", "00000000-0000-0000-0000-000000000000")
    assert cases.client("admin").get(missing).status_code == 404


# --- POSTs: allowed personas change, the others change nothing ------------------------------

LINE_POST = {
    "kind": "operating",
    "name": "Support",
    "description": "",
    "distribution": "point",
    "amount": "120 000",
    "first_year": "2015",
    "last_year": "2023",
    "split_key": "",
    "affects_budget": "",
}


def _counts() -> tuple[int, ...]:
    return (
        BusinessCase.objects.count(),
        CaseVersion.objects.count(),
        Alternative.objects.count(),
        Line.objects.count(),
        Effect.objects.count(),
        Assumption.objects.count(),
    )


@dataclass(frozen=True)
class Post:
    name: str
    url: UrlMaker
    data: Callable[[Cases], dict[str, Any]]
    changed: Callable[[Cases], bool]


POSTS = [
    Post(
        "create case",
        lambda c: url("case_create"),
        lambda c: {
            "name": "Ny sak",
            "description": "",
            "category": "",
            "base_year": "2026",
            "years": "5",
        },
        lambda c: BusinessCase.objects.filter(name="Ny sak").exists(),
    ),
    Post(
        "edit case",
        lambda c: url("case_edit", c.case.uuid),
        lambda c: {"name": "Nytt navn", "description": "", "category": ""},
        lambda c: BusinessCase.objects.filter(name="Nytt navn").exists(),
    ),
    Post(
        "version settings",
        lambda c: url("version_edit", c.v2.uuid),
        lambda c: {
            "note": "Etter anskaffelse",
            "base_year": "2014",
            "years": "10",
            "discount_rate": "3,5",
            "hourly_rate": "550",
            "tax_financing": "on",
            "optimism_bias": "",
            "split_key": "",
            "monte_carlo_iterations": "1000",
            "monte_carlo_seed": "7",
        },
        lambda c: CaseVersion.objects.filter(pk=c.v2.pk, discount_rate=Decimal("0.035")).exists(),
    ),
    Post(
        "new alternative",
        lambda c: url("alternative_create", c.v2.uuid),
        lambda c: {"name": "Eget system", "description": ""},
        lambda c: c.v2.alternatives.filter(name="Eget system").exists(),
    ),
    Post(
        "edit alternative",
        lambda c: url("alternative_edit", c.alternative.uuid),
        lambda c: {"name": "E-handel for alle", "description": "Alle sju"},
        lambda c: Alternative.objects.filter(
            pk=c.alternative.pk, name="E-handel for alle"
        ).exists(),
    ),
    Post(
        "delete alternative",
        lambda c: url("alternative_delete", c.alternative.uuid),
        lambda c: {},
        lambda c: not Alternative.objects.filter(pk=c.alternative.pk).exists(),
    ),
    Post(
        "new line",
        lambda c: url("line_create", c.alternative.uuid),
        lambda c: LINE_POST,
        lambda c: c.alternative.lines.filter(name="Support", amount=Decimal(120_000)).exists(),
    ),
    Post(
        "edit line",
        lambda c: url("line_edit", c.line.uuid),
        lambda c: {**LINE_POST, "name": c.line.name, "kind": c.line.kind},
        lambda c: Line.objects.filter(pk=c.line.pk, amount=Decimal(120_000)).exists(),
    ),
    Post(
        "delete line",
        lambda c: url("line_delete", c.line.uuid),
        lambda c: {},
        lambda c: not Line.objects.filter(pk=c.line.pk).exists(),
    ),
    Post(
        "new effect",
        lambda c: url("effect_create", c.alternative.uuid),
        lambda c: {"name": "Arbeidsmiljø", "score": "-1", "reason": "Ny rutine."},
        lambda c: c.alternative.effects.filter(name="Arbeidsmiljø", score=-1).exists(),
    ),
    Post(
        "edit effect",
        lambda c: url("effect_edit", c.effect.uuid),
        lambda c: {"name": c.effect.name, "score": "4", "reason": "Mye bedre."},
        lambda c: Effect.objects.filter(pk=c.effect.pk, score=4).exists(),
    ),
    Post(
        "delete effect",
        lambda c: url("effect_delete", c.effect.uuid),
        lambda c: {},
        lambda c: not Effect.objects.filter(pk=c.effect.pk).exists(),
    ),
    Post(
        "new assumption",
        lambda c: url("assumption_create", c.v2.uuid),
        lambda c: {"text": "Difi-tallene gjelder.", "source": ""},
        lambda c: c.v2.assumptions.filter(text="Difi-tallene gjelder.").exists(),
    ),
    Post(
        "edit assumption",
        lambda c: url("assumption_edit", c.assumption.uuid),
        lambda c: {"text": "Endret.", "source": "Ny kilde"},
        lambda c: Assumption.objects.filter(pk=c.assumption.pk, text="Endret.").exists(),
    ),
    Post(
        "delete assumption",
        lambda c: url("assumption_delete", c.assumption.uuid),
        lambda c: {},
        lambda c: not Assumption.objects.filter(pk=c.assumption.pk).exists(),
    ),
    Post(
        "freeze",
        lambda c: url("version_freeze", c.v2.uuid),
        lambda c: {"stage": "after_procurement"},
        lambda c: CaseVersion.objects.get(pk=c.v2.pk).stage == "after_procurement",
    ),
]


# Forbidden personas are looped inside each test (the case is built once per POST); the
# allowed post is made by the administrator or the programme office in turn.
@pytest.mark.parametrize(
    ("post", "manager"),
    [(post, ("admin", "office")[i % 2]) for i, post in enumerate(POSTS)],
    ids=[p.name for p in POSTS],
)
def test_post(cases: Cases, post: Post, manager: str) -> None:
    before = _counts()
    for persona in ["editor_a", "editor_b", "viewer", "outsider", None]:
        response = cases.client(persona).post(post.url(cases), post.data(cases))
        if persona is None:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        else:
            expected = 404 if persona == "outsider" else 403
            assert response.status_code == expected, f"{persona}: {response.status_code}"
        assert not post.changed(cases), f"{post.name} by {persona} changed something"
        assert _counts() == before
    response = cases.client(manager).post(post.url(cases), post.data(cases))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert post.changed(cases), f"{post.name} by {manager} changed nothing"


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_delete_case_and_new_version_posts(world: World, persona: str | None) -> None:
    """A case with only a draft may be deleted; a new version needs the draft locked first."""
    case = services.case_create(collaboration=world.alfa, name="Kladd", base_year=2026)
    response = world.client_for(persona).post(url("case_delete", case.uuid))
    exists = BusinessCase.objects.filter(pk=case.pk).exists()
    if persona in MANAGERS:
        assert response.status_code == 302 and not exists
        return
    assert response.status_code == (
        302 if persona is None else 404 if persona == "outsider" else 403
    )
    assert exists


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_new_version_post(cases: Cases, persona: str | None) -> None:
    services.version_freeze(version=cases.v2, stage="final", user=cases.world.admin)
    response = cases.client(persona).post(url("version_new", cases.case.uuid))
    count = cases.case.versions.count()
    if persona in MANAGERS:
        assert response.status_code == 302
        assert count == 3
        draft = cases.case.versions.get(number=3)
        assert draft.stage == "draft"
        assert response["Location"] == url("version_edit", draft.uuid)
        # The copy holds the same lines, effects and assumptions.
        assert (
            Line.objects.filter(alternative__version=draft).count()
            == Line.objects.filter(alternative__version=cases.v2).count()
        )
        assert draft.assumptions.count() == 1
        return
    assert count == 2


def test_only_one_draft_at_a_time(cases: Cases) -> None:
    response = cases.client("admin").post(url("version_new", cases.case.uuid), follow=True)
    assert "allerede et utkast" in response.content.decode()
    assert cases.case.versions.count() == 2


def test_case_with_locked_versions_is_not_deleted(cases: Cases) -> None:
    response = cases.client("admin").post(url("case_delete", cases.case.uuid), follow=True)
    assert "låste versjoner" in response.content.decode()
    assert BusinessCase.objects.filter(pk=cases.case.pk).exists()


# --- Frozen versions -------------------------------------------------------------------------

FROZEN_POSTS: list[tuple[str, Callable[[Cases], str], dict[str, Any]]] = [
    ("version settings", lambda c: url("version_edit", c.v1.uuid), {"base_year": "2015"}),
    ("new alternative", lambda c: url("alternative_create", c.v1.uuid), {"name": "X"}),
    (
        "new line",
        lambda c: url("line_create", c.v1.alternatives.get(is_zero=False).uuid),
        LINE_POST,
    ),
    (
        "edit line",
        lambda c: url("line_edit", Line.objects.filter(alternative__version=c.v1).first().uuid),  # type: ignore[union-attr]
        LINE_POST,
    ),
    (
        "delete line",
        lambda c: url("line_delete", Line.objects.filter(alternative__version=c.v1).first().uuid),  # type: ignore[union-attr]
        {},
    ),
    (
        "delete alternative",
        lambda c: url("alternative_delete", c.v1.alternatives.get(is_zero=False).uuid),
        {},
    ),
    (
        "new effect",
        lambda c: url("effect_create", c.v1.alternatives.get(is_zero=False).uuid),
        {"name": "Y", "score": "1", "reason": "Z"},
    ),
    (
        "delete effect",
        lambda c: url("effect_delete", Effect.objects.get(alternative__version=c.v1).uuid),
        {},
    ),
    (
        "new assumption",
        lambda c: url("assumption_create", c.v1.uuid),
        {"text": "Ny", "source": ""},
    ),
    (
        "delete assumption",
        lambda c: url("assumption_delete", c.v1.assumptions.get().uuid),
        {},
    ),
    ("freeze again", lambda c: url("version_freeze", c.v1.uuid), {"stage": "final"}),
]


def _version_state(version: CaseVersion) -> Any:
    version.refresh_from_db()
    return (
        version.stage,
        version.base_year,
        list(Line.objects.filter(alternative__version=version).values_list("name", "amount")),
        list(version.alternatives.values_list("name", flat=True)),
        list(Effect.objects.filter(alternative__version=version).values_list("name", "score")),
        list(version.assumptions.values_list("text", flat=True)),
    )


@pytest.mark.parametrize(
    ("name", "make_url", "data"), FROZEN_POSTS, ids=[p[0] for p in FROZEN_POSTS]
)
def test_frozen_version_refuses_changes(
    cases: Cases, name: str, make_url: Callable[[Cases], str], data: dict[str, Any]
) -> None:
    before = _version_state(cases.v1)
    response = cases.client("admin").post(make_url(cases), data, follow=True)
    assert response.status_code == 200
    assert "Versjonen er låst" in response.content.decode()
    assert _version_state(cases.v1) == before


def test_frozen_version_page_has_no_edit_controls(cases: Cases) -> None:
    page = cases.client("admin").get(url("version_detail", cases.v1.uuid)).content.decode()
    assert url("version_edit", cases.v1.uuid) not in page
    assert url("version_freeze", cases.v1.uuid) not in page
    assert "kan ikke endres" in page
    draft_page = cases.client("admin").get(url("version_detail", cases.v2.uuid)).content.decode()
    assert url("version_edit", cases.v2.uuid) in draft_page
    assert url("version_freeze", cases.v2.uuid) in draft_page
    assert 'data-confirm="' in draft_page
    # The viewer gets neither the edit link nor the freeze form on the draft.
    viewer_page = cases.client("viewer").get(url("version_detail", cases.v2.uuid)).content.decode()
    assert url("version_edit", cases.v2.uuid) not in viewer_page
    assert url("version_freeze", cases.v2.uuid) not in viewer_page


def test_edit_page_of_frozen_version_sends_back(cases: Cases) -> None:
    response = cases.client("admin").get(url("version_edit", cases.v1.uuid))
    assert response.status_code == 302
    assert response["Location"] == url("version_detail", cases.v1.uuid)


def test_freeze_refused_without_a_second_alternative(world: World) -> None:
    case = services.case_create(collaboration=world.alfa, name="Tom", base_year=2026)
    version = case.versions.get()
    response = world.client_for("admin").post(
        url("version_freeze", version.uuid), {"stage": "approved"}, follow=True
    )
    assert "minst ett alternativ" in response.content.decode()
    version.refresh_from_db()
    assert version.stage == "draft" and version.frozen_at is None


def test_freeze_records_who_and_when(cases: Cases) -> None:
    cases.client("office").post(url("version_freeze", cases.v2.uuid), {"stage": "final"})
    cases.v2.refresh_from_db()
    assert cases.v2.stage == "final"
    assert cases.v2.frozen_by == cases.world.office
    assert cases.v2.frozen_document is not None
    page = cases.client("viewer").get(url("case_detail", cases.case.uuid)).content.decode()
    assert "Endelig" in page and "Office Test" in page


# --- The numbers ----------------------------------------------------------------------------


def _cells(page: str, figure: str) -> list[str]:
    return [
        unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(rf'data-figure="{figure}">(.*?)</td>', page, re.S)
    ]


def kroner(value: float) -> str:
    return format_number(value) + NBSP + "kr"


@pytest.mark.parametrize("version_name", ["v1", "v2"])
def test_page_shows_what_the_engine_gives_for_the_exported_yaml(
    cases: Cases, version_name: str, tmp_path: Path
) -> None:
    version = getattr(cases, version_name)
    client = cases.client("viewer")
    exported = client.get(url("version_detail", version.uuid) + "?format=yaml")
    assert exported.status_code == 200
    assert exported["Content-Disposition"].endswith('.yaml"')
    path = tmp_path / "sak.yaml"
    path.write_bytes(exported.content)
    expected = to_json_dict(evaluate(load_case(path)))
    page = client.get(url("version_detail", version.uuid)).content.decode()
    alternatives = expected["alternatives"]
    assert len(alternatives) == 2
    for figure in ("npv", "npv_vs_zero", "pv_costs", "pv_benefits"):
        assert _cells(page, figure) == [kroner(alt[figure]) for alt in alternatives], figure
    mc = [alt["monte_carlo"] for alt in alternatives]
    assert _cells(page, "p10") == [kroner(m["p10"]) for m in mc]
    assert _cells(page, "p50") == [kroner(m["p50"]) for m in mc]
    assert _cells(page, "p90") == [kroner(m["p90"]) for m in mc]
    assert _cells(page, "prob_positive") == [
        format_number(m["prob_positive"] * 100, 1) + NBSP + "%" for m in mc
    ]
    e_handel = alternatives[1]
    assert e_handel["npv_vs_zero"] > 1_000_000  # the example pays off
    assert _cells(page, "irr")[1] == format_number(e_handel["irr"] * 100, 1) + NBSP + "%"
    assert _cells(page, "payback_year")[1].startswith(str(e_handel["payback_year"]))
    assert _cells(page, "discounted_payback_year")[1].startswith(
        str(e_handel["discounted_payback_year"])
    )
    organisations = e_handel["by_organisation"]
    assert _cells(page, "org_npv_vs_zero") == [
        kroner(org["npv_vs_zero"]) for org in organisations.values()
    ]
    assert "Vennesla kommune" in organisations or "A kommune" in organisations
    # The chart data carries the same cumulative discounted flow as the engine's yearly rows.
    cumulative = json.loads(
        re.search(
            r'<script id="chart-cumulative" type="application/json">(.*?)</script>', page, re.S
        ).group(1)  # type: ignore[union-attr]
    )
    total = 0.0
    for year in e_handel["yearly"]:
        total += year["net"] * year["discount_factor"]
    assert cumulative["series"][1]["values"][-1] == pytest.approx(total, abs=0.05)
    assert 'data-chart="chart-tornado-1"' in page
    assert 'data-chart="chart-histogram-1"' in page
    assert 'data-chart="chart-scurve-1"' in page
    assert 'data-chart="chart-organisations-1"' in page


def test_json_export_evaluated_by_the_cli_gives_the_page_numbers(
    cases: Cases, tmp_path: Path
) -> None:
    client = cases.client("viewer")
    exported = client.get(url("version_detail", cases.v1.uuid) + "?format=json")
    assert exported["Content-Type"].startswith("application/json")
    path = tmp_path / "sak.json"
    path.write_bytes(exported.content)
    out = StringIO()
    call_command("case", "evaluate", str(path), "--json", stdout=out)
    cli = json.loads(out.getvalue())
    page = client.get(url("version_detail", cases.v1.uuid)).content.decode()
    assert _cells(page, "npv_vs_zero") == [
        kroner(alt["npv_vs_zero"]) for alt in cli["alternatives"]
    ]
    assert _cells(page, "p50") == [kroner(alt["monte_carlo"]["p50"]) for alt in cli["alternatives"]]
    yaml_export = client.get(url("version_detail", cases.v1.uuid) + "?format=yaml").content.decode()
    assert yaml.safe_load(yaml_export) == json.loads(exported.content)
    assert "Søgne" not in yaml_export or "\\x" not in yaml_export  # allow_unicode


@pytest.mark.parametrize(
    ("kind", "content_type"), [("xlsx", "spreadsheetml"), ("docx", "wordprocessingml")]
)
def test_office_exports_are_linked_and_served(cases: Cases, kind: str, content_type: str) -> None:
    client = cases.client("viewer")
    page = client.get(url("version_detail", cases.v1.uuid)).content.decode()
    assert f"?format={kind}" in page
    response = client.get(url("version_detail", cases.v1.uuid) + f"?format={kind}")
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert response.content[:2] == b"PK"
    assert response["Content-Disposition"].endswith(f'-v1.{kind}"')


def test_unknown_export_format_is_404(cases: Cases) -> None:
    response = cases.client("admin").get(url("version_detail", cases.v1.uuid) + "?format=pdf")
    assert response.status_code == 404


def test_case_list_shows_best_alternative_and_npv(cases: Cases) -> None:
    page = cases.client("viewer").get(url("case_list")).content.decode()
    result = to_json_dict(
        evaluate(parse_case(json.dumps(cases.v2.frozen_document or _doc(cases.v2)), "json"))
    )
    best = result["alternatives"][1]
    assert best["name"] in page
    assert "v2 – Utkast" in page
    assert kroner(best["npv_vs_zero"]) in page
    assert "Ny business case" not in page  # the viewer may not create
    assert "Ny business case" in cases.client("office").get(url("case_list")).content.decode()


def _doc(version: CaseVersion) -> dict[str, Any]:
    from samla.cases.document import version_document

    return version_document(version)


def test_effects_and_assumptions_on_the_page(cases: Cases) -> None:
    page = cases.client("viewer").get(url("version_detail", cases.v1.uuid)).content.decode()
    assert "Bedre innkjøpsstyring" in page
    assert "<strong>+2</strong> Mer kontroll." in page
    assert "Volumet er 500 MNOK i året." in page
    assert "Historikk" in page


def test_several_irr_roots_are_all_shown(world: World) -> None:
    """Flows that change sign twice have two IRRs; the table names both."""
    case = services.case_create(collaboration=world.alfa, name="To røtter", base_year=2026, years=3)
    version = case.versions.get()
    alternative = services.alternative_create(version=version, name="Prosjekt")
    for kind, amount, year in [
        ("investment", 1_000, 2026),
        ("benefit", 2_300, 2027),
        ("operating", 1_320, 2028),
    ]:
        services.line_create(
            alternative=alternative,
            kind=kind,
            name=f"{kind} {year}",
            amount=Decimal(amount),
            first_year=year,
            last_year=year,
        )
    page = world.client_for("viewer").get(url("version_detail", version.uuid)).content.decode()
    result = to_json_dict(evaluate(parse_case(json.dumps(_doc(version)), "json")))
    roots = result["alternatives"][1]["irr_roots"]
    assert len(roots) == 2
    cell = _cells(page, "irr")[1]
    assert cell.startswith("flere:")
    for root in roots:
        assert format_number(root * 100, 1) + NBSP + "%" in cell


# --- Compare ---------------------------------------------------------------------------------


def test_compare_lists_changed_added_and_removed_lines(cases: Cases) -> None:
    services.line_update(line=cases.line, amount=Decimal(1_000_000), distribution="point")
    services.line_create(
        alternative=cases.alternative,
        kind="operating",
        name="Ny support",
        amount=Decimal(50_000),
        first_year=2015,
        last_year=2016,
    )
    removed = cases.alternative.lines.exclude(pk=cases.line.pk).exclude(name="Ny support").first()
    assert removed is not None
    services.line_delete(line=removed)
    response = cases.client("viewer").get(
        url("compare", cases.case.uuid), {"a": str(cases.v1.uuid), "b": str(cases.v2.uuid)}
    )
    assert response.status_code == 200
    changes = {(c.line, c.change) for c in response.context["line_changes"]}
    assert (cases.line.name, "changed") in changes
    assert ("Ny support", "added") in changes
    assert (removed.name, "removed") in changes
    rows = {row["name"]: row for row in response.context["rows"]}
    first = to_json_dict(evaluate(parse_case(json.dumps(cases.v1.frozen_document), "json")))
    second = to_json_dict(evaluate(parse_case(json.dumps(_doc(cases.v2)), "json")))
    npv = rows["Felles e-handel"]["figures"][0]
    assert npv[2] == first["alternatives"][1]["npv"]
    assert npv[3] == second["alternatives"][1]["npv"]
    assert npv[4] == pytest.approx(
        second["alternatives"][1]["npv"] - first["alternatives"][1]["npv"]
    )
    page = response.content.decode()
    assert "lagt til" in page and "fjernet" in page and "endret" in page


def test_compare_with_the_same_version_twice_is_an_error(cases: Cases) -> None:
    response = cases.client("viewer").get(
        url("compare", cases.case.uuid), {"a": str(cases.v1.uuid), "b": str(cases.v1.uuid)}
    )
    assert response.status_code == 200
    assert "to forskjellige versjoner" in response.content.decode()
    assert "rows" not in response.context


def test_compare_refuses_versions_of_another_case(cases: Cases) -> None:
    other = services.case_create(collaboration=cases.world.alfa, name="Annen", base_year=2026)
    response = cases.client("viewer").get(
        url("compare", cases.case.uuid),
        {"a": str(cases.v1.uuid), "b": str(other.versions.get().uuid)},
    )
    assert response.status_code == 200
    assert "rows" not in response.context
    assert response.context["form"].errors["b"]


# --- Monte Carlo in the background ------------------------------------------------------------


def test_large_simulation_shows_quick_results_then_the_full_run(
    cases: Cases, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "INLINE_MONTE_CARLO_LIMIT", 1_000)
    client = cases.client("viewer")
    page = client.get(url("version_detail", cases.v2.uuid)).content.decode()
    assert "rask simulering" in page
    assert "Kjør simulering" in page
    # Queue a run by hand (the worker has not started it): the page polls with a progress bar.
    from samla.cases.document import document_digest, version_document

    digest = document_digest(version_document(cases.v2))
    run = MonteCarloRun.objects.create(version=cases.v2, document_digest=digest)
    page = client.get(url("version_detail", cases.v2.uuid)).content.decode()
    assert "<progress" in page and 'hx-trigger="every 2s"' in page
    fragment = client.get(url("monte_carlo", cases.v2.uuid), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<progress" in fragment.content.decode()
    services.monte_carlo_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "done"
    fragment = client.get(
        url("monte_carlo", cases.v2.uuid), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<progress" not in fragment and "every 2s" not in fragment
    full = run.result["alternatives"][1]["monte_carlo"]  # type: ignore[index]
    assert full["iterations"] == 2_000
    assert kroner(full["p50"]) in fragment
    page = client.get(url("version_detail", cases.v2.uuid)).content.decode()
    assert _cells(page, "p50")[1] == kroner(full["p50"])
    assert "rask simulering" not in page


def test_run_simulation_post(cases: Cases, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "INLINE_MONTE_CARLO_LIMIT", 1_000)
    response = cases.client("viewer").post(url("monte_carlo", cases.v2.uuid))
    assert response.status_code == 302
    runs = MonteCarloRun.objects.filter(version=cases.v2)
    assert runs.count() == 1
    # The immediate task backend of the tests has run it when the request committed.
    assert runs.get().status in {"queued", "done"}
    assert cases.client("outsider").post(url("monte_carlo", cases.v2.uuid)).status_code == 404
    assert runs.count() == 1
    fragment = cases.client("admin").post(url("monte_carlo", cases.v2.uuid), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert runs.count() == 1  # the same document is not simulated twice


# --- Demo --------------------------------------------------------------------------------------


def test_demo_cases(world: World) -> None:
    from samla.cases.demo import seed_demo_cases

    organisation_services.cost_sharing_key_create(
        collaboration=world.alfa,
        name="30/70",
        method="fixed_plus_population",
        fixed_share_percent=Decimal(30),
    )
    case = seed_demo_cases(world.alfa)
    assert case is not None
    stages = list(case.versions.order_by("number").values_list("stage", flat=True))
    assert stages == ["approved", "draft"]
    assert seed_demo_cases(world.alfa) == case  # running it again changes nothing
    assert case.versions.count() == 2


# --- Query counts ----------------------------------------------------------------------------


def _list_queries(world: World) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for("viewer")
    client.get(url("case_list"))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("case_list")).status_code == 200
    return len(queries)


def test_case_list_queries_grow_by_a_fixed_number_per_case(world: World) -> None:
    """Each case on the page is evaluated (its NPVs come from the engine); a locked version
    reads its stored document, a draft its alternatives and lines. The page holds 25."""
    first = services.case_create(collaboration=world.alfa, name="Sak 1", base_year=2026)
    one = _list_queries(world)
    services.case_create(collaboration=world.alfa, name="Sak 2", base_year=2026)
    services.case_create(collaboration=world.alfa, name="Sak 3", base_year=2026)
    three = _list_queries(world)
    per_draft = (three - one) // 2
    assert three - one == 2 * per_draft
    assert per_draft <= 5, per_draft
    services.alternative_create(version=first.versions.get(), name="Alternativ")
    services.version_freeze(version=first.versions.get(), stage="approved", user=world.admin)
    assert _list_queries(world) == three - per_draft, "a locked version reads no rows"
