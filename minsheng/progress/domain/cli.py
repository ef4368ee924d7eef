"""Command-line helper for the Open SDG measure (pure: builds a parser, computes a dict; no I/O of its own)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from .opensdg import trend_progress

ROUND_TO = 4


def build_evaluate_parser(parser: argparse.ArgumentParser) -> None:
    """Add the evaluate options to `parser`; the direction must be given, never defaulted.

    --base-year --base --current-year --current --target-year [--target] (omit for method 1)
    (--higher-is-better | --lower-is-better) [--limit] (natural limit, method 1 only). Years may be decimal.
    """
    parser.add_argument("--base-year", type=float, required=True, help="base year, e.g. 2020")
    parser.add_argument("--base", type=float, required=True, help="value in the base year")
    parser.add_argument("--current-year", type=float, required=True, help="year of the latest value")
    parser.add_argument("--current", type=float, required=True, help="latest value")
    parser.add_argument("--target-year", type=float, required=True, help="year of the deadline, e.g. 2025")
    parser.add_argument("--target", type=float, default=None, help="target value; omit for method 1")
    direction = parser.add_mutually_exclusive_group(required=True)
    direction.add_argument("--higher-is-better", dest="higher_is_better", action="store_true")
    direction.add_argument("--lower-is-better", dest="higher_is_better", action="store_false")
    parser.add_argument("--limit", type=float, default=None, help="natural limit (method 1 only)")


def run_evaluate(ns: argparse.Namespace) -> dict[str, str | float | None]:
    """{"status", "score", "ratio"} for parsed options; score and R rounded to 4 decimals.

    ratio is R (method 2) or the signed growth (method 1), None when achieved or not assessable.
    """
    res = trend_progress(
        base_year=ns.base_year,
        base=ns.base,
        current_year=ns.current_year,
        current=ns.current,
        target_year=ns.target_year,
        target=ns.target,
        higher_is_better=ns.higher_is_better,
        limit=ns.limit,
    )
    ratio = None if res.achieved or res.ratio is None else round(res.ratio, ROUND_TO)
    return {
        "status": str(res.status),
        "score": None if res.score is None else round(res.score, ROUND_TO),
        "ratio": ratio,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone use: `python -m minsheng.progress.domain.cli --base-year …`; prints the result as JSON."""
    parser = argparse.ArgumentParser(prog="progress-evaluate", description="Open SDG progress of one series")
    build_evaluate_parser(parser)
    print(json.dumps(run_evaluate(parser.parse_args(argv)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
