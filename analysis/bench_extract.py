"""How long `trends extract` takes on text of growing size (goal: 1 MB in under 2 s).

The text is the five seed documents repeated (about 25 kB a round, 15 figures in each), so
its density of figures is that of real articles. Each size is timed three times; the table
gives the best wall-clock time, the processor time of that run (the wall time less the
waiting on a busy machine), the figures found and the rate.

Run:  PYTHONPATH=$PWD python analysis/bench_extract.py
"""

from __future__ import annotations

import datetime as dt
import time
import warnings
from pathlib import Path

from trends.extract import extract_text
from trends.quantities import read_quantities

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def main() -> None:
    base = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    vocab = read_quantities()
    print(f"{'size':>8} {'wall s':>8} {'cpu s':>8} {'figures':>8} {'MB/s':>6}")
    for mb in (0.1, 0.5, 1.0, 2.0):
        text = (base * (int(mb * 1e6) // len(base) + 1))[: int(mb * 1e6)]
        best, cpu, found = float("inf"), 0.0, 0
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found = len(extract_text(text, published=dt.date(2025, 9, 22), quantities=vocab))
            wall = time.perf_counter() - t0
            if wall < best:
                best, cpu = wall, time.process_time() - c0
        print(f"{mb:>6.1f}MB {best:>8.2f} {cpu:>8.2f} {found:>8} {mb / best:>6.2f}")


if __name__ == "__main__":
    main()
