"""Measurement import: the template (reopened: a row for each indicator the person may
measure), a file checked and shown first (nothing written), then confirmed (all rows written
in one go); a file with any bad row (before the baseline, wrong unit, unknown indicator,
another organisation than one's own) writes nothing and names every problem with its row;
wrong file types, oversized files and a tampered confirmation are refused."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import Workbook, load_workbook

from samla.benefits.models import Measurement
from tests.test_benefits_register_pages import PERSONAS, Register, build_register, url

HEADER = ["Indikator", "Dato", "Verdi", "Enhet", "Organisasjon", "Kommentar"]


@pytest.fixture
def register(world: Any) -> Register:
    return build_register(world)


def xlsx(
    rows: list[list[Any]], header: list[str] = HEADER, sheet: str = "Målinger"
) -> SimpleUploadedFile:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("maalinger.xlsx", buffer.getvalue())


def upload(client: Client, file: SimpleUploadedFile) -> str:
    response = client.post(url("measurement_import"), {"file": file})
    assert response.status_code == 200
    return response.content.decode()


def payload_of(body: str) -> str:
    match = re.search(r'name="payload" value="([^"]+)"', body)
    assert match, "no confirmation form"
    return match.group(1)


def test_who_may_use_the_import(register: Register) -> None:
    allowed = {"admin", "office", "editor_a", "editor_b"}
    for name in ("measurement_import", "measurement_import_template"):
        for persona in PERSONAS:
            status = register.client(persona).get(url(name)).status_code
            expected = 200 if persona in allowed else 404 if persona == "outsider" else 403
            assert status == expected, f"{persona} on {name}: {status}"
    before = Measurement.objects.count()
    file = xlsx([[str(register.hours.uuid), "2026-09-01", 950, "", "", ""]])
    assert (
        register.client("viewer").post(url("measurement_import"), {"file": file}).status_code == 403
    )
    assert Measurement.objects.count() == before


def test_template_lists_what_the_person_may_measure(register: Register) -> None:
    response = register.client("editor_a").get(url("measurement_import_template"))
    assert response["Content-Disposition"].endswith('maalinger-alfa.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Målinger"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    # G-01 accrues to A (A's editor measures it for A); A's editor is G-02's responsible
    assert [r[0] for r in rows[1:]] == ["G-01/Timer brukt", "G-02/Lisenskostnad"]
    assert rows[1][3] == "timer" and rows[1][4] == "A kommune"
    assert rows[2][3] == "kroner" and rows[2][4] is None
    guide = list(workbook["Indikatorer"].iter_rows(values_only=True))
    assert guide[1][0] == str(register.hours.uuid)
    # the template, read back unchanged, has nothing to import
    template = SimpleUploadedFile("mal.xlsx", response.content)
    body = upload(register.client("editor_a"), template)
    assert "Filen inneholder ingen målinger å lese inn." in body


def test_preview_then_confirm_writes_every_row(register: Register) -> None:
    world = register.world
    client = register.client("editor_a")
    before = Measurement.objects.count()
    file = xlsx(
        [
            ["G-01/Timer brukt", datetime.datetime(2026, 10, 1), 950, "timer", "", "Q3"],
            ["g-01 / timer brukt", "31.12.2026", "900,5", "t", "A kommune", ""],
            [str(register.kroner.uuid), "2027-01-31", "385 000", "kr", "", "Fra økonomi"],
            [None, None, None, None, None, None],
        ]
    )
    body = upload(client, file)
    assert "3 målinger er kontrollert og har ingen feil. Ingenting er lagret ennå." in body
    assert Measurement.objects.count() == before
    response = client.post(url("measurement_import"), {"payload": payload_of(body)})
    assert response.status_code == 302
    assert Measurement.objects.count() == before + 3
    q3 = Measurement.objects.get(comment="Q3")
    assert q3.organisation == world.org_a  # an editor's blank organisation is their own
    assert q3.measured_by == world.editor_a and q3.measured_on == datetime.date(2026, 10, 1)
    assert (
        Measurement.objects.get(
            indicator=register.hours, measured_on=datetime.date(2026, 12, 31)
        ).value
        == 900.5
    )
    kroner = Measurement.objects.get(comment="Fra økonomi")
    assert kroner.organisation is None and kroner.value == 385_000  # responsible: whole benefit


def test_any_bad_row_writes_nothing_and_every_problem_is_named(register: Register) -> None:
    client = register.client("editor_a")
    before = Measurement.objects.count()
    file = xlsx(
        [
            ["G-01/Timer brukt", "2026-10-01", 950, "", "", "god rad"],
            ["G-01/Timer brukt", "2025-06-01", 950, "", "", ""],
            ["G-01/Timer brukt", "2026-11-01", 940, "kroner", "", ""],
            ["G-99/Finnes ikke", "2026-11-01", 940, "", "", ""],
            ["G-01/Timer brukt", "2026-11-01", 940, "", "B kommune", ""],
            ["G-01/Timer brukt", "i fjor", "mye", "", "Ukjent kommune", ""],
            ["G-01/Timer brukt", "", "", "", "", "bare kommentar"],
        ]
    )
    body = upload(client, file)
    assert "Ingenting er lagret" in body
    assert 'name="payload"' not in body
    for message in [
        "Målingen kan ikke være datert før nullpunktet (01.01.2026).",
        "Enheten «kroner» passer ikke med indikatorens enhet «timer».",
        "Ukjent indikator «G-99/Finnes ikke».",
        "Rollen din gir ikke lov til å registrere målinger av «Timer brukt» for B kommune.",
        "«i fjor» er ikke en dato",
        "«mye» er ikke et tall.",
        "«Ukjent kommune» er ikke et medlem av samarbeidet.",
        "Dato mangler.",
        "Verdi mangler.",
    ]:
        assert message in body, message
    assert Measurement.objects.count() == before


def test_confirmation_checks_again_and_writes_nothing_when_a_row_went_bad(
    register: Register,
) -> None:
    client = register.client("office")
    before = Measurement.objects.count()
    body = upload(
        client,
        xlsx(
            [
                ["G-01/Timer brukt", "2026-10-01", 950, "", "", ""],
                ["G-02/Lisenskostnad", "2026-03-01", 450_000, "", "", ""],
            ]
        ),
    )
    payload = payload_of(body)
    # meanwhile the second indicator's baseline moves past the measurement's date
    kroner = register.kroner
    Measurement.objects.filter(indicator=kroner).delete()
    kroner.baseline_date = datetime.date(2026, 6, 1)
    kroner.save()
    before = Measurement.objects.count()
    response = client.post(url("measurement_import"), {"payload": payload})
    assert response.status_code == 200
    assert (
        "Målingen kan ikke være datert før nullpunktet (01.06.2026)." in response.content.decode()
    )
    assert Measurement.objects.count() == before


def test_a_tampered_or_foreign_confirmation_is_refused(register: Register) -> None:
    body = upload(
        register.client("office"), xlsx([["G-01/Timer brukt", "2026-10-01", 950, "", "", ""]])
    )
    payload = payload_of(body)
    before = Measurement.objects.count()
    for persona, sent in [("office", payload[:-2] + "xx"), ("editor_b", payload)]:
        response = register.client(persona).post(url("measurement_import"), {"payload": sent})
        assert response.status_code == 200
        assert "Last opp filen på nytt." in response.content.decode()
    assert Measurement.objects.count() == before


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("maalinger.csv", b"Indikator;Dato\n"), "Bruk en Excel-fil (.xlsx)."),
        (SimpleUploadedFile("maalinger.xlsx", b"not a zip"), "ikke en gyldig Excel-fil"),
        (SimpleUploadedFile("maalinger.xlsx", b""), "Filen er tom."),
        (xlsx([["x", "y"]], header=["Navn", "Når"]), "Mangler: «Indikator», «Dato», «Verdi»."),
    ],
)
def test_unusable_files_are_refused(
    register: Register, file: SimpleUploadedFile, message: str
) -> None:
    before = Measurement.objects.count()
    response = register.client("office").post(url("measurement_import"), {"file": file})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Measurement.objects.count() == before


@override_settings(SAMLA_MAX_UPLOAD_BYTES=1000)
def test_oversized_file_is_refused(register: Register) -> None:
    file = xlsx([["G-01/Timer brukt", "2026-10-01", 950, "", "", "x" * 2000]])
    response = register.client("office").post(url("measurement_import"), {"file": file})
    assert "Filen er for stor." in response.content.decode()


def test_upload_without_a_file_says_so(register: Register) -> None:
    response = register.client("office").post(url("measurement_import"), {})
    assert "Velg en fil." in response.content.decode()


def test_an_indicator_of_another_collaboration_is_unknown(register: Register) -> None:
    from samla.benefits import services

    world = register.world
    theirs = services.benefit_create(
        collaboration=world.beta,
        code="G-01",
        title="Betas gevinst",
        benefit_class="budget",
        owner=world.outsider,
    )
    indicator = services.indicator_create(
        benefit=theirs,
        name="Timer brukt",
        unit="hours",
        baseline_value=1,
        baseline_date=datetime.date(2026, 1, 1),
        target_value=2,
        target_date=datetime.date(2027, 1, 1),
    )
    before = Measurement.objects.count()
    body = upload(
        register.client("admin"),
        xlsx(
            [
                [str(indicator.uuid), "2026-06-01", 1, "", "", ""],
                ["Betas gevinst/Timer brukt", "2026-06-01", 1, "", "", ""],
            ]
        ),
    )
    assert f"Ukjent indikator «{indicator.uuid}»." in body
    assert "Ukjent indikator «Betas gevinst/Timer brukt»." in body
    assert Measurement.objects.count() == before
