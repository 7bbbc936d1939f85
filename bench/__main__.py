"""Run every benchmark module ``bench/bench_*.py`` (or those named) and print its figures.

Each module has ``main() -> None`` that prints lines of the form
``name: figure``. ``python -m bench workdays assess`` runs just those two.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if argv:
        wanted = {f"bench_{a.removeprefix('bench_')}" for a in argv}
        names = [n for n in names if n in wanted]
    for name in names:
        print(f"== {name.removeprefix('bench_')}", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        module.main()
        print(f"   ({time.perf_counter() - started:.1f} s in all)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
