"""When the database cannot be reached, pages answer a clean 503 with Retry-After (never a
500 or a traceback), the API answers 503 JSON and the health check says so.

Each check runs in its own process whose DATABASE_URL points at a closed port: a real
connection failure, not a mocked one, on SQLite and PostgreSQL runs alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "samla.settings"
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
out = {}
for name, path, headers in [
    ("page", "/svar/apen/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/", {}),
    ("api", "/api/v1/collaborations", {"HTTP_AUTHORIZATION": "Bearer samla_x"}),
    ("health", "/helse/", {}),
]:
    response = client.get(path, **headers)
    out[name] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "type": response.get("Content-Type"),
        "body": response.content.decode(),
    }
print(json.dumps(out))
"""


def test_unreachable_database_gives_clean_503s() -> None:
    env = {
        **os.environ,
        "SAMLA_TESTING": "1",
        # Port 1 on loopback: nothing listens, every connection attempt fails at once.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/samla",
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("SAMLA_CI_POSTGRES_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])

    page = result["page"]
    assert page["status"] == 503
    assert page["retry_after"] == "30"
    assert page["type"].startswith("text/html")
    assert "midlertidig utilgjengelig" in page["body"]
    assert "Traceback" not in page["body"] and "OperationalError" not in page["body"]

    api = result["api"]
    assert api["status"] == 503
    assert api["type"] == "application/json"
    assert "midlertidig utilgjengelig" in json.loads(api["body"])["detail"]

    assert result["health"]["status"] == 503
    assert json.loads(result["health"]["body"]) == {"status": "database unavailable"}
