"""The Locust scenario of `make loadtest`: people using Samla at once.

- readers browse the landscape of Nye Asker (matrix, registers, analyses, one system);
- editors open an installation of their own municipality and save it;
- respondents answer the open survey link without an account;
- the programme office of Knutepunkt Sørlandet reads project status.

Addresses come from var/loadtest/fixture.json (written by loadtest/prepare.py). The server
runs with production settings behind a pretend TLS proxy: every request says
``X-Forwarded-Proto: https``, and the client sends the (Secure) cookies back over loopback.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import sys
import time
from pathlib import Path

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from forms import form_index, read_form  # noqa: E402

FIXTURE = json.loads(Path(os.environ.get("LOADTEST_FIXTURE", "var/loadtest/fixture.json")).read_text())
PASSWORD = FIXTURE["password"]
HOST = os.environ.get("LOADTEST_HOST", "http://127.0.0.1:8100")
ORIGIN = HOST.replace("http://", "https://")

_log_path = os.environ.get("LOADTEST_REQUEST_LOG")
_log_file = open(_log_path, "w", newline="") if _log_path else None  # noqa: SIM115
_log = csv.writer(_log_file) if _log_file else None


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **kw):  # type: ignore[no-untyped-def]
    """Every request with its time and status, for the fault analysis."""
    if _log is None:
        return
    status = getattr(response, "status_code", 0) if response is not None else 0
    body = ""
    if response is not None and status >= 500:
        body = (response.text or "")[:200].replace("\n", " ")
    _log.writerow([f"{time.time():.3f}", request_type, name, status, round(response_time, 1), body])


@events.quitting.add_listener
def _close(environment, **kw):  # type: ignore[no-untyped-def]
    if _log_file:
        _log_file.close()


class SamlaUser(HttpUser):
    abstract = True
    host = HOST
    wait_time = between(2, 6)
    username: str | None = None

    def _headers(self, path: str) -> dict[str, str]:
        if not hasattr(self, "address"):
            # Each simulated person has an address of their own (10.x.y.z), as behind a proxy.
            self.address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        return {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Referer": ORIGIN + path,
            "Origin": ORIGIN,
        }

    def _cookies_over_loopback(self) -> None:
        # The server marks cookies Secure (production settings); loopback is our "TLS".
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str, name: str | None = None, expect: tuple[int, ...] = (200,)):  # type: ignore[no-untyped-def]
        self._cookies_over_loopback()
        with self.client.get(
            path, headers=self._headers(path), name=name or path, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in expect:
                response.failure(f"status {response.status_code}")
            else:
                response.success()  # locust would otherwise fail every 4xx, expected or not
            return response

    def post(self, path: str, data: list[tuple[str, str]], name: str | None = None, expect: tuple[int, ...] = (302,)):  # type: ignore[no-untyped-def]
        self._cookies_over_loopback()
        with self.client.post(
            path, data=data, headers=self._headers(path), name=name or path, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in expect:
                found = re.search(r'class="ds-validation-message"[^>]*>(.*?)</', response.text or "", re.S)
                response.failure(f"status {response.status_code}" + (f": {found.group(1).strip()}" if found else ""))
            else:
                response.success()
            return response

    def on_start(self) -> None:
        if self.username is None:
            return
        page = self.get("/accounts/login/", name="log in (form)")
        values, _, _ = read_form(page.text, form_index(page.text, 'method="post"'))
        data = [(k, v) for k, v in values if k not in ("login", "password")]
        data += [("login", self.username), ("password", PASSWORD)]
        self.post("/accounts/login/", data, name="log in")


class Reader(SamlaUser):
    """Browses the landscape: the pages a project group opens most."""

    weight = 5
    username = FIXTURE["reader"]

    @task(4)
    def landscape_page(self) -> None:
        name, path = random.choice(FIXTURE["landscape_pages"])
        self.get(path, name=name)

    @task(2)
    def system_detail(self) -> None:
        self.get(random.choice(FIXTURE["installation_pages"]), name="installation detail")


class Editor(SamlaUser):
    """Opens an installation of their municipality and saves it (as after checking it)."""

    weight = 2
    username = FIXTURE["editor"]

    def on_start(self) -> None:
        super().on_start()
        self.mine = random.choice(FIXTURE["edit_pages"])

    @task
    def edit(self) -> None:
        page = self.get(self.mine, name="installation edit (form)")
        if page.status_code != 200:
            return
        # The page's own form (the header also has a POST form: log out).
        values, _, _ = read_form(page.text, form_index(page.text, 'class="samla-form'))
        # 409: someone saved the same installation in between, and the conflict page says
        # so instead of overwriting; that is the right answer, not an error.
        self.post(self.mine, values, name="installation edit (save)", expect=(302, 409))

    @task(2)
    def register(self) -> None:
        self.get(FIXTURE["installation_register"], name="installation register")


class Respondent(SamlaUser):
    """Answers the open survey link: no account, one response per submission."""

    weight = 2

    @task
    def answer(self) -> None:
        self.client.cookies.clear()
        path = FIXTURE["survey_link"]
        page = self.get(path, name="survey (form)")
        if page.status_code != 200:
            return
        values, radios, _ = read_form(page.text, form_index(page.text, 'method="post"'))
        data = [(k, v) for k, v in values if k not in radios]
        for name, choices in radios.items():
            numeric = [c for c in choices if re.fullmatch(r"[1-5]", c)]
            data.append((name, random.choice(numeric or choices)))
        self.post(path, data, name="survey (answer)")


class StatusReader(SamlaUser):
    """The programme office reading project status."""

    weight = 1
    username = FIXTURE["status_reader"]

    @task
    def status(self) -> None:
        name, path = random.choice(FIXTURE["status_pages"])
        self.get(path, name=name)
