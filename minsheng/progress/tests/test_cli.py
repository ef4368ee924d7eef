"""The pure CLI helper the `minsheng` command wires in."""

from __future__ import annotations

import argparse
import json

import pytest

from minsheng.progress.domain.cli import build_evaluate_parser, main, run_evaluate


def run(*argv: str) -> dict[str, str | float | None]:
    parser = argparse.ArgumentParser()
    build_evaluate_parser(parser)
    return run_evaluate(parser.parse_args(argv))


COMMON = ("--base-year", "2015", "--current-year", "2020", "--target-year", "2030")


def test_brief_example_is_on_track() -> None:
    out = run(*COMMON, "--base", "100", "--current", "110", "--target", "130", "--higher-is-better")
    assert out == {"status": "on_track", "score": 3.5049, "ratio": 1.0907}


def test_lower_is_better_example() -> None:
    out = run(*COMMON, "--base", "50", "--current", "48", "--target", "40", "--lower-is-better")
    assert out == {"status": "limited", "score": -0.2056, "ratio": 0.5507}


def test_achieved_has_no_ratio() -> None:
    out = run(*COMMON, "--base", "100", "--current", "135", "--target", "130", "--higher-is-better")
    assert out == {"status": "achieved", "score": 5.0, "ratio": None}


def test_without_target_uses_method_one_and_the_limit() -> None:
    plain = run(*COMMON, "--base", "100", "--current", "105", "--higher-is-better")
    assert plain["status"] == "needs_acceleration"
    assert plain["ratio"] == 0.0098
    near = run(*COMMON, "--base", "100", "--current", "105", "--higher-is-better", "--limit", "120")
    assert near["status"] == "on_track"


def test_direction_is_required_and_exclusive() -> None:
    with pytest.raises(SystemExit):
        run(*COMMON, "--base", "100", "--current", "105")
    with pytest.raises(SystemExit):
        run(*COMMON, "--base", "100", "--current", "105", "--higher-is-better", "--lower-is-better")


def test_main_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*COMMON, "--base", "100", "--current", "95", "--target", "130", "--higher-is-better"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == {
        "status": "deterioration",
        "score": -4.9101,
        "ratio": -0.5784,
    }
