"""`make bench`: run every benchmark module, print a table, write var/bench/results.json.

Each result is one figure: name, value, unit, reference (measured in the same run where the issue asks for a
ratio), ratio, goal, met. Benchmarks never run in `make test`: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _modules(only: list[str]) -> list[str]:
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    return [n for n in names if not only or any(o in n for o in only)]


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1e6 else f"{v:,.0f}"
    return "—" if v is None else str(v)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("only", nargs="*", help="substrings of benchmark module names")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    results: list[dict[str, Any]] = []
    failures = 0
    for name in _modules(args.only):
        started = time.perf_counter()
        print(f"▶ {name} …", flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            for r in module.run(quick=args.quick):
                r.setdefault("reference", None)
                r.setdefault("ratio", None)
                r["module"] = name
                results.append(r)
        except Exception:
            failures += 1
            traceback.print_exc()
            results.append(
                {
                    "name": name,
                    "module": name,
                    "value": None,
                    "unit": "",
                    "reference": None,
                    "ratio": None,
                    "goal": "run",
                    "met": False,
                    "error": "failed",
                }
            )
        print(f"  {name} took {time.perf_counter() - started:.1f}s", flush=True)
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "quick": args.quick,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (out_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2))
    header = f"{'benchmark':<46} {'value':>12} {'unit':<10} {'reference':>12} {'ratio':>8}  {'goal':<28} met"
    print(f"\ncores={meta['cores']} python={meta['python']} quick={args.quick}")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['name']:<46} {_fmt(r['value']):>12} {r.get('unit', ''):<10} {_fmt(r['reference']):>12} "
            f"{_fmt(r['ratio']):>8}  {r.get('goal', '')!s:<28} {'yes' if r.get('met') else 'NO'}"
        )
    print(f"\nwritten: {out_dir / 'results.json'}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
