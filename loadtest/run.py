"""`make loadtest`: Samla under load, and while its database restarts.

1. A fresh PostgreSQL database ``samla_load`` on loopback gets the demo data
   (loadtest/prepare.py); gunicorn serves Samla with 2 workers and production settings.
2. Steady load: 100 Locust users (loadtest/locustfile.py) for 2 minutes. Target: 0 errors,
   95th percentile under 500 ms.
3. Fault: the same load for 90 s; after 30 s PostgreSQL is restarted. Expected: requests in
   the gap fail with a clean 503 (never 500), the service recovers by itself (same gunicorn
   processes), and no partial write is left (checked in the database afterwards).

Everything is written to var/loadtest/ (Locust CSV and HTML reports, the request logs, the
server log, summary.json and summary.md)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "loadtest"
VENV = ROOT / ".venv" / "bin"
LOCUST = ROOT / ".venv-load" / "bin" / "locust"
PORT = int(os.environ.get("LOADTEST_PORT", "8100"))
DB_NAME = os.environ.get("LOADTEST_DB", "samla_load")
# A PostgreSQL cluster of its own (created on first use), so that restarting it in the
# fault run disturbs no other database on the machine. LOADTEST_PG and
# LOADTEST_PG_CLUSTER ("<version> <name>") point at another one.
CLUSTER_NAME = "samla-load"
CLUSTER_PORT = 5439
PG = os.environ.get("LOADTEST_PG", f"postgres://postgres@127.0.0.1:{CLUSTER_PORT}")
USERS = int(os.environ.get("LOADTEST_USERS", "100"))
STEADY_SECONDS = int(os.environ.get("LOADTEST_SECONDS", "120"))
FAULT_SECONDS = int(os.environ.get("LOADTEST_FAULT_SECONDS", "90"))  # 0: no fault run
RESTART_AFTER = 30
P95_TARGET_MS = 500


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "SECRET_KEY": "loadtest-only-" + "x" * 50,
        "DEBUG": "0",
        "SAMLA_TESTING": "",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        # The users come from one address here; the scenario sends each its own in
        # X-Forwarded-For, as a reverse proxy would, so log-in limits apply per user.
        "TRUSTED_PROXY_COUNT": "1",
        "SAMLA_VAR_DIR": str(OUT / "var"),
        "PYTHONUNBUFFERED": "1",
    }


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True)


def wait_healthy(timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/helse/", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not become healthy")


def locust(name: str, seconds: int) -> dict[str, object]:
    env = {
        **os.environ,
        "LOADTEST_FIXTURE": str(OUT / "fixture.json"),
        "LOADTEST_HOST": f"http://127.0.0.1:{PORT}",
        "LOADTEST_REQUEST_LOG": str(OUT / f"{name}-requests.csv"),
    }
    subprocess.run(
        [
            str(LOCUST), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
            "-u", str(USERS), "-r", "5", "-t", f"{seconds}s", "--stop-timeout", "10",
            # Logging in (argon2, on purpose slow) happens while users are spawned; the
            # figures count from when all are in.
            "--reset-stats",
            "--csv", str(OUT / name), "--html", str(OUT / f"{name}.html"), "--only-summary",
            "--loglevel", "WARNING",
        ],
        env=env,
        check=False,
    )
    with open(OUT / f"{name}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "median_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "max_ms": float(total["Max Response Time"]),
        "rps": round(float(total["Requests/s"]), 1),
        "per_page": {
            r["Name"]: {"requests": int(r["Request Count"]), "failures": int(r["Failure Count"]), "p95_ms": float(r["95%"])}
            for r in rows
            if r["Name"] != "Aggregated"
        },
    }


def ensure_cluster() -> tuple[str, str]:
    """(version, name) of the load-test cluster, created and started when needed."""
    if os.environ.get("LOADTEST_PG_CLUSTER"):
        version, name = os.environ["LOADTEST_PG_CLUSTER"].split()
        return version, name
    rows = [line.split() for line in subprocess.run(
        ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
    ).stdout.splitlines()]
    version = rows[0][0]
    if not any(row[1] == CLUSTER_NAME for row in rows):
        subprocess.run(
            ["pg_createcluster", version, CLUSTER_NAME, "-p", str(CLUSTER_PORT), "--",
             "--auth-host=trust", "--auth-local=trust"],
            check=True, capture_output=True,
        )
    subprocess.run(["pg_ctlcluster", version, CLUSTER_NAME, "start"], check=False, capture_output=True)
    return version, CLUSTER_NAME


CLUSTER: tuple[str, str] = ("", "")


def restart_postgres(times: dict[str, float]) -> None:
    time.sleep(RESTART_AFTER)
    version, cluster = CLUSTER
    times["restart_begin"] = time.time()
    subprocess.run(["pg_ctlcluster", version, cluster, "restart", "-m", "fast"], check=True)
    times["restart_end"] = time.time()


def analyse_fault(times: dict[str, float]) -> dict[str, object]:
    with open(OUT / "fault-requests.csv") as handle:
        rows = [(float(r[0]), r[2], int(r[3]), r[5]) for r in csv.reader(handle)]
    by_status: dict[str, int] = {}
    for _, _, status, _ in rows:
        by_status[str(status)] = by_status.get(str(status), 0) + 1
    begin, end = times["restart_begin"], times["restart_end"]
    errors = [r for r in rows if r[2] >= 500 or r[2] == 0]
    unclean = [r for r in errors if r[2] != 503]
    after = [r for r in rows if r[0] > end]
    first_ok = next((r[0] for r in after if r[2] < 400), None)
    last_error = max((r[0] for r in errors), default=None)
    late_errors = [r for r in errors if first_ok is not None and r[0] > first_ok + 5]
    return {
        "requests": len(rows),
        "by_status": by_status,
        "restart_seconds": round(end - begin, 2),
        "errors_503": sum(1 for r in errors if r[2] == 503),
        "unclean_errors": len(unclean),
        "unclean_examples": [f"{r[1]} {r[2]} {r[3]}" for r in unclean[:5]],
        "first_success_after_restart_s": round(first_ok - end, 2) if first_ok else None,
        "last_error_after_restart_s": round(last_error - end, 2) if last_error else None,
        "errors_more_than_5s_after_recovery": len(late_errors),
    }


CONSISTENCY = r"""
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "samla.settings"
import django
django.setup()
from django.db.models import Count
from samla.surveys.models import Response
from samla.landscape.models import Installation
fixture = json.load(open(os.environ["LOADTEST_FIXTURE"]))
responses = (
    Response.objects.filter(campaign__uuid=fixture["survey_campaign"])
    .exclude(pk__in=fixture["responses_before"])
    .annotate(n=Count("answers"))
)
counts = {}
for r in responses:
    counts[r.n] = counts.get(r.n, 0) + 1
history = Installation.history.model
saved = mismatch = 0
for uuid, offset in fixture["history_offsets"].items():
    installation = Installation.objects.get(uuid=uuid)
    rows = history.objects.filter(id=installation.pk).count()
    saved += installation.version > 1
    # Every committed save left its history (an m2m change may add a row of its own).
    if rows - installation.version < offset:
        mismatch += 1
print(json.dumps({
    "responses": responses.count(),
    "responses_without_answers": counts.get(0, 0),
    "answers_per_response": {str(k): v for k, v in sorted(counts.items())},
    "installations_saved": saved,
    "installations_with_fewer_history_rows_than_saves": mismatch,
}))
"""


def main() -> int:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    env = server_env()
    global CLUSTER
    if "LOADTEST_PG" not in os.environ or "LOADTEST_PG_CLUSTER" in os.environ:
        CLUSTER = ensure_cluster()
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    subprocess.run([str(VENV / "python"), str(ROOT / "loadtest" / "prepare.py"), str(OUT / "fixture.json")], env=env, check=True, cwd=ROOT)
    subprocess.run([str(VENV / "samla"), "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    log = open(OUT / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(VENV / "gunicorn"), "samla.wsgi:application", "--workers", "2", "--bind", f"127.0.0.1:{PORT}",
         "--access-logfile", str(OUT / "access.log"), "--graceful-timeout", "5"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    summary: dict[str, object] = {"users": USERS, "workers": 2, "database": "PostgreSQL (loopback)"}
    try:
        wait_healthy()
        pid = server.pid
        print(f"Steady load: {USERS} users for {STEADY_SECONDS} s …", flush=True)
        steady = locust("steady", STEADY_SECONDS)
        summary["steady"] = steady
        if not FAULT_SECONDS:
            return _report(summary, steady, None)
        print(f"Fault run: {FAULT_SECONDS} s, PostgreSQL restarted after {RESTART_AFTER} s …", flush=True)
        times: dict[str, float] = {}
        restarter = threading.Thread(target=restart_postgres, args=(times,))
        restarter.start()
        fault_stats = locust("fault", FAULT_SECONDS)
        restarter.join()
        fault = analyse_fault(times)
        fault["locust"] = {k: fault_stats[k] for k in ("requests", "failures", "p95_ms")}
        fault["same_server_process"] = server.poll() is None and server.pid == pid
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/helse/", timeout=5) as r:
            fault["healthy_after"] = r.status == 200
        check = subprocess.run(
            [str(VENV / "python"), "-c", CONSISTENCY], env={**env, "LOADTEST_FIXTURE": str(OUT / "fixture.json")},
            capture_output=True, text=True, check=True, cwd=ROOT,
        )
        fault["consistency"] = json.loads(check.stdout.strip().splitlines()[-1])
        summary["fault"] = fault
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    return _report(summary, steady, fault)


def _report(summary: dict[str, object], steady: dict[str, object], fault: dict[str, object] | None) -> int:
    steady_ok = steady["failures"] == 0 and float(steady["p95_ms"]) < P95_TARGET_MS  # type: ignore[arg-type]
    lines = [
        "# Load test",
        "",
        f"{USERS} users, gunicorn with 2 workers, PostgreSQL on loopback.",
        "",
        f"- Steady ({STEADY_SECONDS} s): {steady['requests']} requests ({steady['rps']}/s), "
        f"{steady['failures']} failures, median {steady['median_ms']:.0f} ms, p95 {steady['p95_ms']:.0f} ms, "
        f"p99 {steady['p99_ms']:.0f} ms — {'ok' if steady_ok else 'FAILED'}",
    ]
    verdict = {"steady": "ok" if steady_ok else "FAILED"}
    fault_ok = True
    if fault is not None:
        consistency = fault["consistency"]
        fault_ok = bool(
            fault["unclean_errors"] == 0
            and fault["errors_more_than_5s_after_recovery"] == 0
            and fault["same_server_process"]
            and fault["healthy_after"]
            and consistency["responses_without_answers"] == 0  # type: ignore[index]
            and len(consistency["answers_per_response"]) <= 1  # type: ignore[index]
            and consistency["installations_with_fewer_history_rows_than_saves"] == 0  # type: ignore[index]
        )
        verdict["fault"] = "ok" if fault_ok else "FAILED"
        lines.append(
            f"- Fault ({FAULT_SECONDS} s, PostgreSQL restarted in {fault['restart_seconds']} s): "
            f"{fault['requests']} requests, {fault['errors_503']} clean 503s, {fault['unclean_errors']} other errors, "
            f"first success {fault['first_success_after_restart_s']} s after the restart, "
            f"same server processes: {fault['same_server_process']}, consistency: {consistency} — {verdict['fault']}"
        )
    summary["verdict"] = verdict
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    (OUT / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if steady_ok and fault_ok else 1


if __name__ == "__main__":
    sys.exit(main())
