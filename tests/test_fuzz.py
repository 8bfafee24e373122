"""Fuzz suite: malformed inputs through every command that reads them, in process.

Claims files, assumptions files, series files and command lines come from the
strategies in ``tests/strategies.py`` (mostly broken on purpose). Each input goes
through every command that reads it via :func:`trends.cli.main`, and every run must:

- exit 0, 1 or 2, without a traceback; exit 1 prints an ``error:`` line;
- print and write no NaN, no infinity and no negative count;
- leave no half-written output: nothing in the folder but the inputs and the outputs
  (no temporary file, staging folder or lock); an existing output left as it was when
  the run fails, and a complete, readable one when it succeeds (an imported series
  passes ``validate``);
- finish within :data:`LIMIT` seconds (a guard against hangs, not a speed goal).

CI runs a few hundred examples; ``TRENDS_FULL=1`` runs 10,000 (the split is in
:data:`EXAMPLES`). With ``TRENDS_FUZZ_LOG=path`` every run is appended to a JSON-lines
log (command, exit code, seconds) for docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import os
import re
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from strategies import (
    BASE_ASSUMPTIONS,
    BASE_CLAIMS,
    _csv_text,
    assumptions_files,
    claims_files,
    command_lines,
    series_files,
)

from trends.cli import main
from trends.files import MARKER

FULL = bool(os.environ.get("TRENDS_FULL"))
#: Examples per test: (CI, TRENDS_FULL=1); the full column adds up to 10,000.
EXAMPLES = {
    "claims": (120, 4090),
    "figures": (12, 600),
    "report": (3, 60),
    "assumptions": (40, 1500),
    "series": (100, 2500),
    "backtest": (15, 500),
    "documents": (40, 1000),
    "arguments": (60, 1250),
}
#: Seconds one command may take before the run counts as hung.
LIMIT = 300
LOG = os.environ.get("TRENDS_FUZZ_LOG")

_NONFINITE = re.compile(r"(?<![A-Za-z_])(nan|inf|infinity)(?![A-Za-z_])", re.IGNORECASE)


def _settings(name: str):
    ci, full = EXAMPLES[name]
    return settings(
        max_examples=full if FULL else ci,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
        # TRENDS_FUZZ_NO_SHRINK=1: report the first failure as found (shrinking a report
        # run can take minutes).
        phases=[Phase.explicit, Phase.reuse, Phase.generate]
        if os.environ.get("TRENDS_FUZZ_NO_SHRINK")
        else list(Phase),
    )


class _Timeout(BaseException):
    """Raised in the command when it runs past LIMIT (BaseException: nothing catches it)."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    def handler(signum, frame):
        raise _Timeout(f"the command ran past {seconds} s")

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run(argv: list[str], group: str) -> tuple[int, str, str]:
    """Run ``trends ARGV`` in process; check exit code, traceback, error line, time."""
    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _time_limit(LIMIT):
        code = main([str(a) for a in argv])
    seconds = time.perf_counter() - t0
    stdout, stderr = out.getvalue(), err.getvalue()
    if LOG:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({"group": group, "command": argv[0], "code": code,
                                "seconds": round(seconds, 3)}) + "\n")  # fmt: skip
    assert code in (0, 1, 2), (code, argv, stderr)
    assert "Traceback" not in stderr, stderr
    if code == 1:
        assert re.search(r"^error: \S", stderr, re.MULTILINE), (argv, stderr)
    if code == 2:
        assert "error" in stderr, (argv, stderr)
    return code, stdout, stderr


def _check_numbers(frame: pd.DataFrame, columns, what: str, nonnegative=True) -> None:
    for col in columns:
        values = pd.to_numeric(frame[col], errors="raise").to_numpy(dtype=float)
        assert all(math.isfinite(v) for v in values), f"{what}: {col} not finite"
        if nonnegative:
            assert (values >= 0).all(), f"{what}: {col} has a negative count"


def _check_csv_cells(path: Path) -> None:
    """Every cell of a CSV that reads as a number is finite (empty cells are fine)."""
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            for cell in row:
                try:
                    value = float(cell)
                except ValueError:
                    continue
                assert math.isfinite(value), f"{path.name}: {cell!r} in {row}"


def _no_nonfinite_text(text: str, what: str) -> None:
    assert not _NONFINITE.search(text), f"{what} prints a non-finite number:\n{text}"


OLD = "old output: must survive a failing run\n"


class Folder:
    """A fresh folder with the inputs, and outputs that already exist (to be protected)."""

    def __init__(self):
        self.path = Path(tempfile.mkdtemp(prefix="trends-fuzz-"))
        self.allowed: set[str] = set()

    def file(self, name: str, data: bytes | str) -> Path:
        p = self.path / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.allowed.add(name)
        return p

    def old_output(self, name: str) -> Path:
        return self.file(name, OLD)

    def old_report(self, name: str) -> Path:
        p = self.path / name
        p.mkdir()
        (p / MARKER).write_text("previous\n")
        (p / "old.txt").write_text(OLD)
        self.allowed.add(name)
        return p

    def check_clean(self) -> None:
        """Nothing but the inputs and outputs: no temporary file or staging folder."""
        names = {p.name for p in self.path.iterdir()}
        assert names <= self.allowed, f"left behind: {sorted(names - self.allowed)}"

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


@contextlib.contextmanager
def folder():
    f = Folder()
    try:
        yield f
        f.check_clean()
    finally:
        f.close()


def _check_kept(path: Path, code: int) -> bool:
    """On failure the old output is intact; returns whether the run replaced it."""
    if code != 0:
        assert path.read_text(encoding="utf-8") == OLD, f"{path.name} changed by a failed run"
        return False
    return path.read_text(encoding="utf-8", errors="replace") != OLD


VALID_CLAIMS = _csv_text(BASE_CLAIMS, "\n", False)


# ---------------------------------------------------------------------------------------
# claims files
# ---------------------------------------------------------------------------------------


@_settings("claims")
@given(claims_files())
def test_fuzz_claims_through_reading_commands(data):
    with folder() as f:
        claims = f.file("claims.csv", data)
        before = claims.read_bytes()

        run(["validate", claims], "claims")

        out = f.old_output("normalised.csv")
        code, stdout, _ = run(["normalise", claims, "-o", out], "claims")
        if _check_kept(out, code):
            table = pd.read_csv(out)
            cols = ["days", "total_low", "total_mid", "total_high", "rate_low", "rate_mid",
                    "rate_high"]  # fmt: skip
            _check_numbers(table, cols, "normalise")
            assert (table["total_low"] <= table["total_high"]).all()

        code, stdout, _ = run(
            ["estimate", claims, "-q", "recruits", "--from", "2025-01-01", "--to", "2025-03-31",
             "--format", "json", "--target", "100000"], "claims",
        )  # fmt: skip
        if code == 0:
            est = json.loads(stdout)
            numbers = [est["mean"], *est["quantiles"].values()]
            assert all(math.isfinite(v) and v >= 0 for v in numbers), est
            assert 0 <= est["p_at_least_target"] <= 1

        out = f.old_output("fit.csv")
        code, stdout, _ = run(["fit", claims, "-q", "casualties", "-o", out], "claims")
        _no_nonfinite_text(stdout, "fit")
        if _check_kept(out, code):
            table = pd.read_csv(out)
            _check_numbers(table, [c for c in table.columns if c != "date"], "fit")
        assert claims.read_bytes() == before, "an input was modified"


@_settings("figures")
@given(claims_files(), st.sampled_from(["claims", "fit", "cumulative"]))
def test_fuzz_claims_through_figures(data, kind):
    with folder() as f:
        claims = f.file("claims.csv", data)
        out = f.old_output("figure.svg")
        code, _, _ = run(["plot", kind, claims, "-q", "recruits", "--until", "2025-06-30",
                          "-o", out], "figures")  # fmt: skip
        if _check_kept(out, code):
            assert out.read_bytes().lstrip().startswith(b"<?xml")


@_settings("report")
@given(
    st.one_of(
        st.tuples(claims_files(), st.sampled_from([None, BASE_ASSUMPTIONS.encode()])),
        st.tuples(st.just(VALID_CLAIMS.encode()), assumptions_files()),
    )
)
def test_fuzz_report_and_projection(pair):
    claims_data, assumptions_data = pair
    with folder() as f:
        claims = f.file("claims.csv", claims_data)
        old = f.old_report("rep")
        argv = ["report", claims, "--out", old, "--until", "2025-06-30", "--draws", "100"]
        if assumptions_data is None:
            argv += ["--assumptions", "none"]
        else:
            argv += ["--assumptions", f.file("a.toml", assumptions_data)]
        code, _, _ = run(argv, "report")
        names = {p.name for p in old.iterdir()}
        if code == 0:
            assert {MARKER, "report.md", "report.html"} <= names and "old.txt" not in names
            for table in (old / "tables").glob("*.csv"):
                _check_csv_cells(table)
        else:
            assert names == {MARKER, "old.txt"}, "a failed report touched the old one"
            assert (old / "old.txt").read_text() == OLD


# ---------------------------------------------------------------------------------------
# assumptions files
# ---------------------------------------------------------------------------------------

#: Projected variables that are counts (the front deficit is <= 0 and the net force
#: change signed by design).
_COUNTS = {"recruits", "casualties", "irrecoverable", "returns", "reserve", "recovering",
           "attrition"}  # fmt: skip


@_settings("assumptions")
@given(assumptions_files())
def test_fuzz_assumptions_through_project(data):
    with folder() as f:
        claims = f.file("claims.csv", VALID_CLAIMS)
        assumptions = f.file("a.toml", data)
        out = f.old_output("projection.csv")
        code, stdout, _ = run(
            ["project", claims, "--assumptions", assumptions, "--until", "2025-06-30",
             "--draws", "100", "--scenario", "all", "-o", out], "assumptions",
        )  # fmt: skip
        _no_nonfinite_text(stdout, "project")
        if _check_kept(out, code):
            table = pd.read_csv(out)
            q = ["mean", "q05", "q25", "q50", "q75", "q95"]
            _check_numbers(table, q, "project", nonnegative=False)
            counts = table[table["variable"].isin(_COUNTS)]
            _check_numbers(counts, q, "project counts")


# ---------------------------------------------------------------------------------------
# series files
# ---------------------------------------------------------------------------------------


@_settings("series")
@given(series_files(), st.sampled_from(["personnel", None]), st.booleans())
def test_fuzz_series_through_import(series, quantity, start):
    suffix, data = series
    with folder() as f:
        path = f.file(f"series{suffix}", data)
        out = f.old_output("imported.csv")
        argv = ["import-series", path, "-o", out]
        if quantity:
            argv += ["--quantity", quantity]
        if start:
            argv += ["--start", "2022-02-24"]
        code, _, _ = run(argv, "series")
        if _check_kept(out, code):
            code, _, err = run(["validate", out], "series")
            assert code == 0, f"import-series wrote claims that validate rejects:\n{err}"


@st.composite
def long_series(draw) -> tuple[str, bytes]:
    """A daily cumulative series long enough to backtest (13-30 months), with dropped
    days, corrections (the total going down) and extreme increments."""
    days = draw(st.integers(400, 900))
    start = dt.date(2021, 1, 1) + dt.timedelta(days=draw(st.integers(0, 2000)))
    step = draw(st.sampled_from([0.0, 1e-3, 1.0, 50.0, 1e4, 1e12]))
    total, lines = 0.0, []
    for i in range(days):
        total += step * draw(st.sampled_from([0.0, 0.5, 1.0, 1.0, 2.0, -3.0]))
        if draw(st.integers(0, 30)) == 0:
            continue  # a missing day
        day = (start + dt.timedelta(days=i)).isoformat()
        lines.append(f"{day},{total:.6g}")
    return ".csv", ("date,personnel\n" + "\n".join(lines) + "\n").encode()


@_settings("backtest")
@given(st.one_of(series_files(), long_series()), st.sampled_from(["personnel", "value"]))
def test_fuzz_series_through_backtest(series, field):
    suffix, data = series
    with folder() as f:
        path = f.file(f"series{suffix}", data)
        out = f.old_output("scores.csv")
        argv = ["backtest", path, "--field", field, "--every", "12", "--methods", "naive"]
        code, _, _ = run([*argv, "-o", out], "backtest")
        if _check_kept(out, code):
            frame = pd.read_csv(out)
            _check_numbers(frame, ["truth", "q05", "q50", "q95", "pinball"], "backtest rows")


_WORDS = st.sampled_from(
    ["Russia", "recruits", "about", "nearly", "more than", "30,000", "1.2 million", "each week",
     "since the beginning of the year", "killed or wounded", "NATO estimates", "in 2024",
     "between 7,000 and 15,000", "one and a half thousand", "30k", "402.430", "\u00a0", "\n",
     "<p>", "</p>", "&amp;", "1e309", "-40,000", "0", "9999-12-31", ".", ","]
)  # fmt: skip


@st.composite
def documents(draw) -> tuple[str, bytes]:
    """An article as plain text, Markdown or HTML, in any encoding, or binary garbage."""
    suffix = draw(st.sampled_from([".txt", ".md", ".html"]))
    kind = draw(st.sampled_from(["words", "text", "binary"]))
    if kind == "binary":
        return suffix, draw(st.binary(max_size=3000))
    if kind == "words":
        text = " ".join(draw(st.lists(_WORDS, max_size=80)))
    else:
        text = draw(st.text(max_size=2000))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    return suffix, text.encode(encoding, errors="replace")


@_settings("documents")
@given(documents(), st.booleans())
def test_fuzz_documents_through_extract(doc, published):
    suffix, data = doc
    with folder() as f:
        path = f.file(f"article{suffix}", data)
        out = f.old_output("candidates.csv")
        argv = ["extract", path, "-o", out]
        if published:
            argv += ["--published", "2024-10-30"]
        code, _, _ = run(argv, "documents")
        if _check_kept(out, code):
            _check_csv_cells(Path(out))
            code, _, err = run(["validate", out], "documents")
            assert code in (0, 1), err


# ---------------------------------------------------------------------------------------
# command lines
# ---------------------------------------------------------------------------------------


@_settings("arguments")
@given(command_lines(), st.booleans())
def test_fuzz_command_lines(argv, with_output):
    with folder() as f:
        claims = f.file("claims.csv", VALID_CLAIMS)
        assumptions = f.file("a.toml", BASE_ASSUMPTIONS)
        series = f.file("series.csv", "date,value\n2024-01-01,10\n2024-01-03,25\n")
        files = {"CLAIMS": claims, "ASSUMPTIONS": assumptions}
        if argv[0] == "import-series":
            files["CLAIMS"] = series
        argv = [str(files.get(a, a)) for a in argv]
        out = None
        if argv[0] == "plot" or with_output:
            out = f.old_output("out.svg" if argv[0] == "plot" else "out.csv")
            argv += ["-o", str(out)]
        code, stdout, _ = run(argv, "arguments")
        if argv[0] in ("fit", "project"):
            _no_nonfinite_text(stdout, argv[0])
        if code == 0 and "--format" in argv and argv[argv.index("--format") + 1] == "json":
            est = json.loads(stdout)
            assert all(math.isfinite(v) for v in est["quantiles"].values())
        if out is not None:
            _check_kept(out, code)
