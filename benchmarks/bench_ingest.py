"""Ingestion throughput: target extraction over a ~1,000-page policy collection, against OpenCC t2s.

The collection is generated on the fly from the Wuhan seed's own sentences (damage included:
traditional characters, inserted pinyin, mojibake headings), recombined into pages of about 1,800
characters with every number varied. Both figures are best of 3 over the same pages in the same run:

* ``value``: characters per second through ``minsheng.ingest.domain.extract`` (normalise, outline,
  targets, commitments), one page = one document;
* ``reference``: characters per second through ``opencc.OpenCC("t2s").convert`` alone.

Goal: extraction at ≥ 2% of OpenCC's speed. ``python benchmarks/bench_ingest.py`` prints the result.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "minsheng" / "ingest" / "tests" / "data" / "wuhan_2022_seed.txt"
PAGE_CHARS = 1_800
GOAL_RATIO = 0.02
_NUMBER_RE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_SENTENCE_RE = re.compile(r"[^。\n]+。?")
_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+\.|\?。)")


def _vary(sentence: str, rng: random.Random) -> str:
    """The same sentence with each quantity changed (years and single digits after 第 kept)."""

    def repl(m: re.Match[str]) -> str:
        raw = m.group()
        if len(raw) == 4 and raw.startswith("20"):
            return str(rng.choice((2024, 2025, 2026, 2027, 2030)))
        if "." in raw:
            whole, frac = raw.split(".")
            return f"{rng.randint(0, max(1, int(whole) * 2))}.{rng.randint(0, 10 ** len(frac) - 1):0{len(frac)}d}"
        value = int(raw)
        return str(rng.randint(max(1, value // 2), max(2, value * 2)))

    return _NUMBER_RE.sub(repl, sentence)


def build_collection(pages: int = 1_000, seed: int = 20220114) -> list[str]:
    """``pages`` synthetic policy pages of about 1,800 characters each, from the seed's sentences."""
    text = SEED.read_text(encoding="utf-8")
    headings: list[str] = []
    sentences: list[str] = []
    for line in text.split("\n"):
        if _HEADING_RE.match(line) and len(line) < 40:
            headings.append(line)
            continue
        sentences.extend(s for s in _SENTENCE_RE.findall(line) if len(s) > 8)
    rng = random.Random(seed)
    collection: list[str] = []
    for number in range(pages):
        lines = [f"关于推进民生实事的实施方案（第{number + 1}号）", "一、工作目标", rng.choice(headings)]
        size = sum(len(x) for x in lines)
        task = 1
        while size < PAGE_CHARS:
            if rng.random() < 0.15:
                lines.append(f"{task}.{rng.choice(sentences)}")
                task += 1
            else:
                lines.append(_vary(rng.choice(sentences), rng))
            size += len(lines[-1]) + 1
        collection.append("\n".join(lines))
    return collection


def _best_of_interleaved(repeats: int, *works: Callable[[], object]) -> list[float]:
    """Best wall time of each ``work``, run in turns so a noisy neighbour hurts both alike."""
    best = [float("inf")] * len(works)
    for _ in range(repeats):
        for i, work in enumerate(works):
            started = time.perf_counter()
            work()
            best[i] = min(best[i], time.perf_counter() - started)
    return best


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Measure extraction and OpenCC t2s over the same generated collection (best of 3)."""
    import opencc

    from minsheng.ingest.domain import extract

    pages = build_collection(100 if quick else 1_000)
    chars = sum(len(p) for p in pages)
    repeats = 1 if quick else 3
    converter = opencc.OpenCC("t2s")
    extract(pages[0])  # warm caches (OpenCC dictionaries, the rare-character class)
    targets = 0

    def do_extract() -> None:
        nonlocal targets
        targets = sum(len(extract(page).targets) for page in pages)

    def do_t2s() -> None:
        for page in pages:
            converter.convert(page)

    t_extract, t_opencc = _best_of_interleaved(repeats, do_extract, do_t2s)
    value = chars / t_extract
    reference = chars / t_opencc
    ratio = value / reference
    return [
        {
            "name": "ingest.extract_throughput",
            "value": value,
            "unit": "chars/s",
            "reference": reference,
            "ratio": ratio,
            "goal": f">= {GOAL_RATIO} of OpenCC t2s",
            "met": ratio >= GOAL_RATIO,
            "pages": len(pages),
            "chars": chars,
            "targets": targets,
            "seconds": t_extract,
        }
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for result in run(quick="--quick" in sys.argv):
        print(result)
