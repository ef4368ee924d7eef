"""Benchmark suites. Each `bench_*.py` exposes `run(quick: bool = False) -> list[dict]`."""
