"""`make bench`: Samla's speed targets, measured and printed as figures.

Runs against its own database (var/bench/ by default, or BENCH_DATABASE_URL), which it
fills once with `seed_demo --scale national` and `generate_landscape`. Results are printed
and written to var/bench/results.json. Nothing here is a pass/fail test: the closing notes
of the issues quote these figures.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
# One module per issue; each has run(only: list[str]) -> dict of figures.
MODULES = [
    name
    for name in ("landscape", "finance", "surveys", "governance", "portfolio", "benefits")
    if (Path(__file__).parent / f"{name}.py").exists()
]


def main() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SAMLA_VAR_DIR", str(BENCH_DIR))
    os.environ.setdefault("SAMLA_TESTING", "1")  # test settings: fast hashing, no HTTPS redirects
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings")
    import django

    django.setup()
    from samla.core.runtime import tune_garbage_collector

    tune_garbage_collector()  # as samla/wsgi.py does for the real server
    import importlib

    # `python -m bench` runs every module; `python -m bench finance surveys` only those;
    # `python -m bench landscape:matrix` one part of one module.
    selected: dict[str, list[str]] = {}
    for argument in sys.argv[1:]:
        module, _, part = argument.partition(":")
        selected.setdefault(module, [])
        if part:
            selected[module].append(part)
    results_file = BENCH_DIR / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    for module in MODULES:
        if selected and module not in selected:
            continue
        print(f"\n== {module} ==")
        results[module] = importlib.import_module(f"bench.{module}").run(
            only=selected.get(module, [])
        )
    results_file.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nWritten to {BENCH_DIR / 'results.json'}")


if __name__ == "__main__":
    main()
