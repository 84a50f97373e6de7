import importlib
import os
import pkgutil
import sys

import django

from benchmarks import figures


def main(selected: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    package = importlib.import_module("benchmarks")
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_"))
    for name in names:
        if selected and name.removeprefix("bench_") not in selected and name not in selected:
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        for line in module.run():
            print(line, flush=True)
    print(f"figures written to {figures.write()}")


if __name__ == "__main__":
    main(sys.argv[1:])
