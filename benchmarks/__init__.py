"""`make bench`: every module benchmarks/bench_*.py defines `run() -> list[str]`, one printed
line per figure ("name: value unit (target ...)"). Run with `python -m benchmarks [name ...]`."""
