"""Ledger workbook benchmark: import 10,000 rows with full validation, export them, against openpyxl alone.

Measures (best of 3 interleaved runs, wall-clock and CPU time, in this process):
  (a) openpyxl alone reading the workbook (read_only, values_only, every cell) — the reference;
  (b) `read_ledger_workbook` — safety check + header + every row validated;
  (c) `write_ledger_workbook` of the same rows.
  (d) the full import through the service (`reporting.services.workbook.ledger_import`): the same checks plus
      the actor's scope, who-may-change-what, and 10,000 draft reports written to a scratch SQLite database in
      one transaction — against openpyxl alone reading the same file, interleaved in the same subprocess
      (the database is restored from a pristine copy before each round, so every round writes every row).
Peak memory is measured in a fresh subprocess per phase:
  - peak RSS (getrusage) of the streamed import at 2,000 and 10,000 rows — the ratio is the
    "constant memory" check (close to 1);
  - tracemalloc peaks (Python allocations after the imports) at 2,000, 10,000 and 20,000 rows for the
    import, openpyxl alone and the export. openpyxl's read-only parser itself keeps ~70 bytes per row
    (an emptied <row> element stays attached to <sheetData>), and CPython's tuple free lists hold up to
    ~0.5 MB until about 2,000 rows; so the import's own cost per row is measured between 10,000 and
    20,000 rows and net of openpyxl's.

    python benchmarks/bench_workbook.py          # full run, prints a table
    python benchmarks/bench_workbook.py --quick  # smaller, for a smoke check
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

import openpyxl  # noqa: E402

from minsheng.reporting.domain.workbook import (  # noqa: E402
    LEDGER_STATUSES,
    LedgerRow,
    read_ledger_workbook,
    write_ledger_workbook,
)

FULL_ROWS, SMALL_ROWS = 10_000, 2_000
QUICK_ROWS, QUICK_SMALL_ROWS = 4_000, 800
IMPORT_GOAL_RATIO = 3.0
MEMORY_RATIO_GOAL = 1.25
OWN_BYTES_PER_ROW_GOAL = 32  # two machine words per row (the duplicate-code index), never row content
MB = 1024 * 1024

_TASKS = (
    "实施就业优先战略，城镇新增就业",
    "推进城镇老旧小区改造，完善社区养老服务设施",
    "新建改扩建公办幼儿园，增加普惠性学位",
    "建设15分钟便民生活圈，新增社区食堂",
    "开展职业技能提升行动，补贴性职业技能培训",
    "完善困难群众救助帮扶机制，提高城乡低保标准",
)
_UNITS = ("市人社局", "市民政局", "市教育局", "市卫健委", "市住房城市更新局", "市商务局", "市医保局")
_DISTRICTS = ("江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "东西湖区", "蔡甸区")
_MEASURES = (("万人", "22"), ("人", "5000"), ("%", "95"), ("个", "120"), ("万元", "35000.5"), ("所", "30"))
_PROGRESS = (
    "一季度完成{v}{u}，完成年度目标的{p}%，总体序时推进。",
    "已完成项目立项和资金拨付，正在组织施工，累计完成{v}{u}。",
    "-部分区进度偏慢，已约谈；累计{v}{u}。",  # a leading "-" that must come back as text
    "=已按计划推进",  # a leading "=" that must never become a formula
)


def ledger_rows(count: int, *, seed: int = 2024) -> Iterator[LedgerRow]:
    """`count` realistic ledger items (varied Chinese text, negative and decimal numbers, None)."""
    rnd = random.Random(seed)
    for index in range(1, count + 1):
        unit, goal = rnd.choice(_MEASURES)
        value = Decimal(rnd.randint(-500, 100_000)) / 100
        co = tuple(rnd.sample(_UNITS, 2)) + tuple(rnd.sample(_DISTRICTS, rnd.randint(0, 4)))
        yield LedgerRow(
            item_code=f"2024-L{index:06d}",
            seq=index,
            task_content=rnd.choice(_TASKS) + f"（第{index}项）",
            goal_text=f"全年目标{goal}{unit}",
            goal_value=Decimal(goal),
            unit=unit,
            lead_unit=rnd.choice(_UNITS),
            co_units=co,
            deadline=date(2024, 12, 31) - timedelta(days=rnd.randint(0, 300)),
            progress=rnd.choice(_PROGRESS).format(v=value, u=unit, p=rnd.randint(0, 100)) * rnd.randint(1, 3),
            problems=rnd.choice(("", "资金拨付偏慢", "用地指标紧张，部分项目开工滞后")),
            next_steps=rnd.choice(("", "加大督办力度", "@各区按月报送进度")),
            status=rnd.choice(LEDGER_STATUSES),
            reported_value=None if rnd.random() < 0.1 else value,
            period="2024Q3",
            version=rnd.randint(0, 5),
            target_code=f"S{rnd.randint(1, 3)}-T{rnd.randint(1, 9)}",
            locked=rnd.random() < 0.2,
        )


def make_workbook(count: int, path: Path) -> None:
    write_ledger_workbook(ledger_rows(count), path, year=2024)


def openpyxl_read(path: Path) -> int:
    """The reference: openpyxl alone, read-only, touching every cell value."""
    book = openpyxl.load_workbook(path, read_only=True)
    cells = 0
    try:
        for row in book["台帐"].iter_rows(values_only=True):
            cells += len(row)
    finally:
        book.close()
    return cells


def validated_import(path: Path, *, stream: bool = False) -> int:
    """The full import; with `stream` the rows go to a sink instead of being kept (constant memory)."""
    received = 0

    def sink(_: LedgerRow) -> None:
        nonlocal received
        received += 1

    result = read_ledger_workbook(path, expected_rows_max=50_000, on_row=sink if stream else None)
    if not result.ok:
        raise RuntimeError(f"benchmark workbook did not import: {result.errors[:3]}")
    return received if stream else len(result.rows)


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def best_interleaved(repeat: int, actions: dict[str, Callable[[], object]]) -> dict[str, tuple[float, float]]:
    """Best (wall, CPU) of `repeat` rounds; each round runs every action once, so a busy machine slows
    the reference and the measured code alike."""
    best = {name: (float("inf"), float("inf")) for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            wall, cpu = timed(action)
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def _run_phase(phase: str, argument: str) -> None:
    if phase == "openpyxl":
        openpyxl_read(Path(argument))
    elif phase == "import":
        validated_import(Path(argument), stream=True)
    elif phase == "import_keep":
        validated_import(Path(argument), stream=False)
    elif phase == "export":
        with tempfile.TemporaryDirectory() as folder:
            make_workbook(int(argument), Path(folder) / "out.xlsx")
    else:
        raise SystemExit(f"unknown phase {phase}")


def _service_child(count: int, repeat: int, folder: str) -> None:
    """In a fresh interpreter on a scratch SQLite database: seed `count` ledger items for one department,
    export them through the service, fill in every row's progress and value, then time the service import
    (every row validated and written, one transaction, committed) against openpyxl alone on that file."""
    import shutil

    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["MINSHENG_VAR_DIR"] = folder
    import django

    django.setup()
    from dataclasses import replace

    from django.core.management import call_command
    from django.db import connection

    from minsheng.accounts.models import User
    from minsheng.org.models import Role, Unit
    from minsheng.org.services import REFERENCE_UNITS, role_grant, units_load_reference
    from minsheng.policy.models import Policy, PolicySystem, Target, Task
    from minsheng.reporting.models import LedgerItem, LedgerYear
    from minsheng.reporting.services.workbook import ledger_export_rows, ledger_import

    call_command("migrate", verbosity=0)
    units_load_reference(actor=None, text=REFERENCE_UNITS.read_text(encoding="utf-8"))
    unit = Unit.objects.get(code="420102")  # 江岸区 reports on its own items
    user = User.objects.create(username="bench_reporter")
    role_grant(actor=None, user=user, unit=unit, role=Role.REPORTER)
    policy = Policy.objects.create(code="bench", title="基准测试政策", issuer="武汉市人民政府")
    system = PolicySystem.objects.create(policy=policy, code="S1", name="民生保障")
    task = Task.objects.create(
        policy=policy, system=system, code="T1", number=1, title="任务", lead_unit=unit
    )
    rnd = random.Random(7)
    targets = Target.objects.bulk_create(
        Target(
            task=task,
            code=f"B-{n:05d}",
            indicator=f"{_TASKS[n % len(_TASKS)]}（{n}）",
            comparator=">=",
            value=Decimal(_MEASURES[n % len(_MEASURES)][1]),
            unit=_MEASURES[n % len(_MEASURES)][0],
            higher_is_better=True,
            kind="level",
            deadline=date(2024, 12, 31),
            lead_unit=unit,
            source_sentence="原文",
        )
        for n in range(count)
    )
    year = LedgerYear.objects.create(policy=policy, year=2024, status="published")
    LedgerItem.objects.bulk_create(
        LedgerItem(
            ledger_year=year,
            target=t,
            code=t.code,
            title=t.indicator,
            goal_value=t.value,
            comparator=">=",
            unit_label=t.unit,
            lead_unit=unit,
            deadline=date(2024, 12, 31),
            value_meaning="level",
            sort_order=n,
        )
        for n, t in enumerate(targets)
    )
    path = Path(folder) / "service.xlsx"
    wall = time.perf_counter()
    rows = ledger_export_rows(actor=user, ledger_year=year)
    export_s = time.perf_counter() - wall
    edited = [
        replace(
            r,
            progress=_PROGRESS[n % 2].format(v=n % 97, u=r.unit, p=n % 100),
            next_steps="加强调度，确保完成年度目标",
            reported_value=Decimal(rnd.randint(1, 900)) / 10,
        )
        for n, r in enumerate(rows)
    ]
    write_ledger_workbook(edited, path, year=2024)
    export_s_write = time.perf_counter() - wall - export_s
    del rows, edited
    connection.close()
    database = Path(folder) / "bench.sqlite3"
    pristine = Path(folder) / "pristine.sqlite3"
    shutil.copyfile(database, pristine)
    best: dict[str, tuple[float, float]] = {"openpyxl": (float("inf"),) * 2, "service": (float("inf"),) * 2}
    written = 0
    outcome: list[Any] = []
    for _round in range(repeat):
        connection.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(pristine, database)
        w, c = timed(lambda: openpyxl_read(path))
        best["openpyxl"] = (min(best["openpyxl"][0], w), min(best["openpyxl"][1], c))
        outcome.clear()
        w, c = timed(lambda: outcome.append(ledger_import(actor=user, year=2024, upload=path)))
        if not outcome[0].ok:
            raise RuntimeError(f"service import refused: {outcome[0].errors[:3]}")
        written = outcome[0].rows_changed
        best["service"] = (min(best["service"][0], w), min(best["service"][1], c))
    print(
        json.dumps(
            {
                "rows": written,
                "openpyxl": best["openpyxl"],
                "service": best["service"],
                "export_rows_s": export_s,
                "export_write_s": export_s_write,
            }
        )
    )


def service_import(count: int, repeat: int) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as folder:
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--service", str(count), str(repeat), folder],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
        )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _child(phase: str, argument: str, meter: str) -> None:
    """Run one phase in this fresh interpreter and print its peak memory in bytes as JSON.

    meter "traced": tracemalloc peak of the Python allocations made by the phase (imports excluded);
    meter "rss": the process's peak resident set (getrusage), interpreter and libraries included.
    """
    if meter == "traced":
        tracemalloc.start()
        _run_phase(phase, argument)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    else:
        _run_phase(phase, argument)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(json.dumps({"peak_bytes": peak}))


def peak_memory(phase: str, argument: str, meter: str = "traced") -> float:
    """Peak memory of `phase` in MB, measured in a subprocess (see `_child`)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", phase, argument, meter],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    peak: float = json.loads(completed.stdout.strip().splitlines()[-1])["peak_bytes"] / MB
    return peak


def _result(
    name: str, value: float, unit: str, reference: float | None, goal: str, met: bool | None = None
) -> dict[str, Any]:
    ratio = round(value / reference, 3) if reference else None
    return {
        "name": name,
        "value": round(value, 4),
        "unit": unit,
        "reference": None if reference is None else round(reference, 4),
        "ratio": ratio,
        "goal": goal,
        "met": True if met is None else met,
    }


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Measure and return one record per figure: name, value, unit, reference, ratio, goal, met."""
    big, small = (QUICK_ROWS, QUICK_SMALL_ROWS) if quick else (FULL_ROWS, SMALL_ROWS)
    double = 2 * big  # steady state: what one more row costs once CPython's free lists are warm
    repeat = 1 if quick else 3
    tag, small_tag, double_tag = f"{big / 1000:g}k", f"{small / 1000:g}k", f"{double / 1000:g}k"
    with tempfile.TemporaryDirectory() as folder:
        paths = {n: Path(folder) / f"ledger_{n}.xlsx" for n in (small, big, double)}
        for n, path in paths.items():
            make_workbook(n, path)
        export_path = Path(folder) / "export.xlsx"
        times = best_interleaved(
            repeat,
            {
                "openpyxl": lambda: openpyxl_read(paths[big]),
                "import": lambda: validated_import(paths[big]),
                "export": lambda: make_workbook(big, export_path),
            },
        )
        traced = {
            (phase, n): peak_memory(phase, str(n) if phase == "export" else str(paths[n]))
            for phase in ("openpyxl", "import", "export")
            for n in (small, big, double)
        }
        traced[("import_keep", big)] = peak_memory("import_keep", str(paths[big]))
        rss = {n: peak_memory("import", str(paths[n]), "rss") for n in (small, big)}
        size_mb = paths[big].stat().st_size / MB
    service = service_import(big, repeat)
    (reference_s, reference_cpu), (import_s, import_cpu), (export_s, _) = (
        times["openpyxl"],
        times["import"],
        times["export"],
    )

    def growth(phase: str, low: int, high: int) -> float:
        return traced[(phase, high)] / traced[(phase, low)]

    def per_row(phase: str) -> float:
        return (traced[(phase, double)] - traced[(phase, big)]) * MB / (double - big)

    own_per_row = per_row("import") - per_row("openpyxl")
    rss_growth = rss[big] / rss[small]
    export_growth = growth("export", small, big)
    return [
        _result(f"workbook.openpyxl_read_{tag}", reference_s, "s", None, "reference (read_only, every cell)"),
        _result(
            f"workbook.import_{tag}",
            import_s,
            "s",
            reference_s,
            f"<= {IMPORT_GOAL_RATIO:g}x openpyxl read",
            import_s <= IMPORT_GOAL_RATIO * reference_s,
        ),
        _result(
            f"workbook.import_cpu_{tag}",
            import_cpu,
            "s",
            reference_cpu,
            f"<= {IMPORT_GOAL_RATIO:g}x openpyxl read (CPU time)",
            import_cpu <= IMPORT_GOAL_RATIO * reference_cpu,
        ),
        _result(f"workbook.export_{tag}", export_s, "s", None, f"report ({size_mb:.1f} MB file)"),
        _result(
            f"workbook.import_peak_mem_{tag}",
            traced[("import", big)],
            "MB",
            traced[("openpyxl", big)],
            "report",
        ),
        _result(
            f"workbook.import_peak_mem_ratio_{tag}_vs_{small_tag}",
            rss_growth,
            "x",
            None,
            f"<= {MEMORY_RATIO_GOAL:g} (peak RSS, close to 1)",
            rss_growth <= MEMORY_RATIO_GOAL,
        ),
        _result(
            f"workbook.import_traced_mem_ratio_{tag}_vs_{small_tag}",
            growth("import", small, big),
            "x",
            growth("openpyxl", small, big),
            "report (tracemalloc; reference: openpyxl alone)",
        ),
        _result(
            f"workbook.import_own_bytes_per_row_{tag}_to_{double_tag}",
            own_per_row,
            "B",
            per_row("openpyxl"),
            f"<= {OWN_BYTES_PER_ROW_GOAL} B/row beyond openpyxl's own",
            own_per_row <= OWN_BYTES_PER_ROW_GOAL,
        ),
        _result(
            f"workbook.import_keep_rows_peak_mem_{tag}",
            traced[("import_keep", big)],
            "MB",
            traced[("openpyxl", big)],
            "report (ImportResult holds every row)",
        ),
        _result(f"workbook.export_peak_mem_{tag}", traced[("export", big)], "MB", None, "report"),
        _result(
            f"workbook.service_import_{tag}",
            service["service"][0],
            "s",
            service["openpyxl"][0],
            f"report: {service['rows']} rows validated + written to SQLite, 1 transaction (ref: openpyxl read)",
        ),
        _result(
            f"workbook.service_import_cpu_{tag}",
            service["service"][1],
            "s",
            service["openpyxl"][1],
            "report (CPU time; ref: openpyxl read)",
        ),
        _result(
            f"workbook.service_export_{tag}",
            service["export_rows_s"] + service["export_write_s"],
            "s",
            None,
            f"report: rows from the database {service['export_rows_s']:.2f}s + xlsx",
        ),
        _result(
            f"workbook.export_peak_mem_ratio_{tag}_vs_{small_tag}",
            export_growth,
            "x",
            None,
            f"<= {MEMORY_RATIO_GOAL:g} (streamed)",
            export_growth <= MEMORY_RATIO_GOAL,
        ),
    ]


def _table(results: list[dict[str, Any]]) -> str:
    lines = [f"{'name':<48} {'value':>10} {'unit':<4} {'reference':>10} {'ratio':>7}  {'goal':<36} met"]
    for r in results:
        reference = "" if r["reference"] is None else f"{r['reference']:.3f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(
            f"{r['name']:<48} {r['value']:>10.3f} {r['unit']:<4} {reference:>10} {ratio:>7}  {r['goal']:<36} "
            f"{'yes' if r['met'] else 'NO'}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "--service":
        _service_child(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        print(_table(run(quick="--quick" in sys.argv)))
