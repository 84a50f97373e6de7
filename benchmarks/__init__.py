"""`make bench`: every module benchmarks/bench_*.py defines `run() -> list[str]`, one printed
line per figure ("name: value unit (target ...)"). Run with `python -m benchmarks [name ...]`.
A figure worth comparing across runs is also recorded by name with `benchmarks.figures.record`;
the run writes them to var/bench/figures.json."""
