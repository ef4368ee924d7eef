"""docs/domain/progress.md must not drift: its tables and quoted sentences are recomputed here."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from minsheng.progress.domain import (
    Assessment,
    Comparator,
    Observation,
    TargetKind,
    TargetSpec,
    evaluate,
    trend_progress,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "domain" / "progress.md"
ROW = re.compile(
    r"^\| (\d{4}), ([\d.]+) \| (\d{4}), ([\d.]+) \| (\d{4}), ([\d.]+) \| (higher|lower) \| ([^|]+) \| [^|]+ \| ([^|]+) \|$"
)


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_worked_example_table_in_the_doc_matches_the_engine() -> None:
    rows = [m.groups() for line in doc_text().splitlines() if (m := ROW.match(line))]
    assert len(rows) == 4
    for by, b, cy, c, ty, t, better, r, score in rows:
        res = trend_progress(
            base_year=float(by),
            base=float(b),
            current_year=float(cy),
            current=float(c),
            target_year=float(ty),
            target=float(t),
            higher_is_better=better == "higher",
        )
        assert res.score is not None
        assert round(res.score, 4) == pytest.approx(float(score.strip().replace("−", "-")))
        if r.strip() != "—":
            assert res.ratio is not None
            assert round(res.ratio, 4) == pytest.approx(float(r.strip().replace("−", "-")))


def year_end(*pairs: tuple[int, float]) -> list[Observation]:
    return [Observation(date(y, 12, 31), v) for y, v in pairs]


def doc_cases() -> list[Assessment]:
    """The examples quoted in the doc, in the order they appear."""
    spec = TargetSpec
    level, cumulative, annual = TargetKind.LEVEL, TargetKind.CUMULATIVE, TargetKind.ANNUAL
    ge = Comparator.GE
    return [
        evaluate(
            spec(
                kind=level, comparator=ge, value=82.4, higher_is_better=True, baseline_value=79.3, unit="岁"
            ),
            year_end((2021, 79.6), (2022, 80.0), (2023, 80.5)),
            as_of=date(2024, 1, 1),
        ),
        evaluate(
            spec(
                kind=level,
                comparator=Comparator.LE,
                value=5,
                higher_is_better=False,
                hold=True,
                unit="%",
                decimals=2,
            ),
            year_end((2021, 2.92), (2022, 2.61)),
            as_of=date(2023, 1, 31),
        ),
        evaluate(
            spec(kind=cumulative, comparator=ge, value=110, higher_is_better=True, unit="万人"),
            year_end((2021, 25), (2022, 48), (2023, 70), (2024, 92.3)),
            as_of=date(2025, 1, 31),
        ),
        evaluate(
            spec(kind=annual, comparator=ge, value=1500, higher_is_better=True, unit="场", decimals=0),
            year_end((2021, 1520), (2022, 1380), (2023, 1600)),
            as_of=date(2024, 7, 1),
        ),
        evaluate(
            spec(
                kind=TargetKind.ANNUAL_CHANGE,
                comparator=ge,
                value=0.5,
                higher_is_better=False,
                baseline_value=55.0,
                unit="个百分点",
            ),
            year_end((2021, 54.3), (2022, 54.0), (2023, 53.2)),
            as_of=date(2024, 1, 1),
        ),
        evaluate(
            spec(kind=TargetKind.PER_UNIT, comparator=ge, value=1, higher_is_better=True, unit="所"),
            {f"区{i:02d}": i < 11 for i in range(13)},
            as_of=date(2023, 12, 31),
        ),
        evaluate(
            spec(kind=TargetKind.CIRCLE, comparator=ge, value=15, higher_is_better=True, baseline_value=0.6),
            year_end((2021, 0.66), (2023, 0.8)),
            as_of=date(2024, 1, 1),
        ),
    ]


def test_quoted_explanations_in_the_doc_are_what_the_engine_says() -> None:
    quotes = [line[2:] for line in doc_text().splitlines() if line.startswith("> ")]
    assert quotes == [a.explanation_zh for a in doc_cases()]
