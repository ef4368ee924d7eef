"""`minsheng progress …`: judge one series by hand, report every target as of a date, or recompute statuses.

    minsheng progress evaluate --base-year 2015 --base 100 --current-year 2020 --current 110 \\
        --target-year 2030 --target 130 --higher-is-better
    minsheng progress --as-of 2024-12-31 --format json      (or --format table; --unit 420102 for a district)
    minsheng progress recompute --as-of 2024-12-31          (refresh the cached TargetStatus rows)
    minsheng progress repack [--check]                      (rewrite / check the series packs, ADR 0011)
    minsheng progress briefing --as-of 2025-12-31 --out 通报.docx [--pdf]   (the quarterly 通报)
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.org.models import Unit, UnitKind
from minsheng.progress import packs
from minsheng.progress.briefing import ConversionError, OfficeUnavailableError
from minsheng.progress.briefing_service import BriefingUnavailableError, briefing_file
from minsheng.progress.domain.cli import build_evaluate_parser, run_evaluate
from minsheng.progress.selectors import report_rows
from minsheng.progress.services import progress_recompute, series_repack


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text!r} · dates are YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = (
        "目标进展：逐个判定、按日期报告全部目标、重算状态。Progress: evaluate one series, report, recompute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", default="", help="report date YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--unit", default="", help="unit code (default: the city)")
        sub = parser.add_subparsers(dest="action")
        evaluate = sub.add_parser("evaluate", help="Open SDG measure of one series (prints JSON)")
        build_evaluate_parser(evaluate)
        recompute = sub.add_parser("recompute", help="recompute and store every TargetStatus as of a date")
        recompute.add_argument("--as-of", dest="recompute_as_of", required=True)
        recompute.add_argument(
            "--exact-depth", type=int, default=1, help="units at this depth or above get sentences"
        )
        repack = sub.add_parser("repack", help="rewrite every series pack from the observations (ADR 0011)")
        repack.add_argument("--check", action="store_true", help="only list series whose pack differs")
        brief = sub.add_parser("briefing", help="write the quarterly 通报 (.docx, optionally also PDF)")
        brief.add_argument("--as-of", dest="briefing_as_of", required=True)
        brief.add_argument("--out", required=True, help="the .docx to write")
        brief.add_argument("--pdf", action="store_true", help="also write the PDF beside it (LibreOffice)")
        brief.add_argument("--period-label", default="", help="e.g. 2025年第四季度 (default: from the date)")
        brief.add_argument("--doc-number", default="", help="发文字号 (default: 武民生办〔年〕季号)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action == "evaluate":
            self.stdout.write(json.dumps(run_evaluate(argparse.Namespace(**options)), ensure_ascii=False))
            return
        if action == "recompute":
            result = progress_recompute(
                actor=None,
                as_of=_date(options["recompute_as_of"]),
                exact_max_depth=options["exact_depth"],
            )
            self.stdout.write(
                f"已重算 {result.as_of}：{result.exact_rows} 条（市、区）+ {result.batch_rows} 条（街道、社区），"
                f"用时 {result.seconds:.2f} 秒 · recomputed"
            )
            return
        if action == "repack":
            self._repack(check=options["check"])
            return
        if action == "briefing":
            self._briefing(options)
            return
        as_of = _date(options["as_of"]) if options["as_of"] else date.today()
        unit = None
        if options["unit"]:
            unit = Unit.objects.exclude(kind=UnitKind.DEPARTMENT).filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"没有这个单位：{options['unit']} · no such unit")
        rows = report_rows(as_of=as_of, unit=unit)
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self._table(rows)

    def _repack(self, *, check: bool) -> None:
        if check:
            differing = packs.differences()
            for target_id, unit_id in differing[:50]:
                self.stdout.write(f"目标 {target_id} 单位 {unit_id}：压缩副本与数据不一致 · pack differs")
            if differing:
                raise CommandError(
                    f"{len(differing)} 个序列的压缩副本与数据不一致，请运行 repack · packs differ"
                )
            self.stdout.write("全部序列压缩副本与数据一致 · every pack matches its observations")
            return
        result = series_repack(actor=None)
        self.stdout.write(
            f"已重写 {result.packs} 个序列压缩副本（{result.observations} 条数据），用时 {result.seconds:.2f} 秒"
            " · repacked"
        )

    def _briefing(self, options: dict[str, Any]) -> None:
        as_of = _date(options["briefing_as_of"])
        out = Path(options["out"]).with_suffix(".docx")
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="minsheng-briefing-") as tmp:
            staged = Path(tmp) / "briefing.docx"
            try:
                written = briefing_file(
                    actor=None,
                    as_of=as_of,
                    fmt="pdf" if options["pdf"] else "docx",
                    out=staged,
                    period_label=options["period_label"],
                    doc_number=options["doc_number"],
                )
            except BriefingUnavailableError as exc:
                raise CommandError(f"无法生成通报：{exc} · nothing to report") from exc
            except (OfficeUnavailableError, ConversionError) as exc:
                raise CommandError(f"PDF 转换失败：{exc} · run make office-deps") from exc
            shutil.copyfile(staged, out)
            self.stdout.write(f"已生成 {out}")
            if options["pdf"]:
                pdf = out.with_suffix(".pdf")
                shutil.copyfile(written, pdf)
                self.stdout.write(f"已生成 {pdf}")

    def _table(self, rows: list[dict[str, Any]]) -> None:
        def fmt(v: Any) -> str:
            if v is None:
                return "—"
            if isinstance(v, float):
                return f"{v:,.2f}"
            return str(v)

        self.stdout.write(
            f"{'编号':<10} {'状态':<6} {'最新值':>12} {'累计':>10} {'应达到':>10} {'预测':>10}  指标"
        )
        for r in rows:
            forecast = r["forecast"]["value"] if r["forecast"] else None
            self.stdout.write(
                f"{r['code']:<10} {r['status_zh']:<6} {fmt(r['latest_value']):>12} {fmt(r['running_total']):>10} "
                f"{fmt(r['expected_value']):>10} {fmt(forecast):>10}  {r['indicator']}"
            )
