"""How long ``import trends`` and ``trends --help`` take, and what they load.

Each command runs in a fresh interpreter ``--repeats`` times (after one warm-up run, so
the files are in the page cache); the table gives the median and the fastest wall-clock
time, and the same for a bare ``python -c pass`` (the interpreter's own start-up), whose
difference is what trends adds. A second table lists the heavy libraries each command
loads (from ``python -X importtime``): ``import trends`` and ``--help`` should load none.

Run from the repository root::

    PYTHONPATH=$PWD python analysis/import_time.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import trends": [sys.executable, "-c", "import trends"],
    "trends --help": [sys.executable, "-m", "trends", "--help"],
    "import trends; trends.fit": [sys.executable, "-c", "import trends; trends.fit"],
    "import trends.plot": [sys.executable, "-c", "import trends.plot"],
}
HEAVY = ("numpy", "pandas", "scipy", "matplotlib", "statsmodels")


def wall(cmd: list[str], repeats: int) -> list[float]:
    subprocess.run(cmd, capture_output=True, check=True)  # warm the page cache
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        out.append(time.perf_counter() - t0)
    return out


def loaded(cmd: list[str]) -> tuple[set[str], float]:
    """Top-level packages imported, and the cumulative import time of trends (s),
    including everything its modules import."""
    res = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True)
    mods, own = set(), 0.0
    for line in res.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        name = parts[-1].strip()
        mods.add(name.split(".")[0])
        if name.split(".")[0] == "trends":  # the outermost trends import counts it all
            own = max(own, int(parts[1]) / 1e6)
    return mods, own


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args(argv)
    os.environ.setdefault("PYTHONPATH", os.getcwd())
    times = {name: wall(cmd, args.repeats) for name, cmd in COMMANDS.items()}
    base = statistics.median(times["python -c pass"])
    print(f"wall-clock of a fresh interpreter, {args.repeats} runs each (seconds)\n")
    print(f"| {'command':<27} | {'median':>7} | {'fastest':>7} | {'minus bare python':>17} |")
    print(f"|{'-' * 29}|{'-' * 9}|{'-' * 9}|{'-' * 19}|")
    for name, ts in times.items():
        med = statistics.median(ts)
        extra = "" if name == "python -c pass" else f"{med - base:+.3f}"
        print(f"| {name:<27} | {med:7.3f} | {min(ts):7.3f} | {extra:>17} |")
    print("\nheavy libraries loaded (python -X importtime)\n")
    print(f"| {'command':<27} | {'import of trends (s)':>20} | {'heavy libraries':<40} |")
    print(f"|{'-' * 29}|{'-' * 22}|{'-' * 42}|")
    for name, cmd in COMMANDS.items():
        if name == "python -c pass":
            continue
        mods, own = loaded(cmd)
        heavy = ", ".join(m for m in HEAVY if m in mods) or "none"
        print(f"| {name:<27} | {own:20.3f} | {heavy:<40} |")


if __name__ == "__main__":
    main()
