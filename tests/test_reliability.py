"""Never destroy a user's files; bounded work on absurd input; one message per error.

Each test is one of the reproducers that once lost data, ran out of memory, hung, wrote
invalid claims or ended in a traceback (see docs/reliability.md), now a clear error
with exit 1 (2 for usage errors), or a correct result.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import resource
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from trends import cli
from trends.files import MARKER, StagedFolder, check_output_folder
from trends.limits import MAX_CELLS, MAX_DAYS

REPO = Path(__file__).resolve().parents[1]
HEADER = "id,quantity,kind,value,per,start,end,qualifier\n"
SMALL = HEADER + (
    "r1,recruits,total,30000,,2025-01-01,2025-01-31,about\n"
    "r2,recruits,rate,8000,week,,2025-03-15,nearly\n"
    "c1,casualties,total,40000,,2025-01-01,2025-01-31,about\n"
    "c2,casualties,rate,1200,day,,2025-03-01,\n"
)

#: One quantity, for the report runs (two figures).
ONE = HEADER + (
    "r1,recruits,total,30000,,2025-01-01,2025-01-31,about\n"
    "r2,recruits,rate,8000,week,,2025-03-15,nearly\n"
)
QUICK = ["--assumptions", "none", "--draws", "100", "--until", "2025-04-30"]


class _Timeout(BaseException):
    pass


def run(*argv, limit: float = 120) -> tuple[int, str, str]:
    """``trends ARGV`` in process: (exit code, stdout, stderr); never a traceback."""
    out, err = io.StringIO(), io.StringIO()

    def handler(signum, frame):
        raise _Timeout(f"trends {' '.join(map(str, argv))} ran past {limit} s")

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main([str(a) for a in argv])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def one_error(err: str) -> str:
    """The single ``error:`` message of a failed run (its first line)."""
    lines = [x for x in err.splitlines() if x.startswith("error:")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def one(tmp_path) -> Path:
    p = tmp_path / "one.csv"
    p.write_text(ONE)
    return p


@pytest.fixture
def small(tmp_path) -> Path:
    p = tmp_path / "small.csv"
    p.write_text(SMALL)
    return p


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# ---------------------------------------------------------------------------------------
# 1. --out never removes or replaces anything trends did not write
# ---------------------------------------------------------------------------------------


def test_report_refuses_a_folder_holding_its_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    _write(data / "claims.csv", SMALL)
    _write(data / "notes.txt", "mine\n")
    code, _, err = run("report", "data/claims.csv", "--out", "data", "--assumptions", "none")
    assert code == 1 and "contains the input data/claims.csv" in one_error(err)
    assert sorted(p.name for p in data.iterdir()) == ["claims.csv", "notes.txt"]
    assert (data / "notes.txt").read_text() == "mine\n"


def test_report_refuses_its_input_file_as_out(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "c.csv", SMALL)
    code, _, err = run("report", "c.csv", "--out", "c.csv")
    assert code == 1 and "is also the input" in one_error(err)
    assert (tmp_path / "c.csv").read_text() == SMALL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]  # no .c.csv.old


@pytest.mark.parametrize("out", [".", "..", "./", "../", "sub/.."])
def test_report_refuses_dot_and_dotdot(tmp_path, monkeypatch, out):
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    monkeypatch.chdir(work)
    _write(work / "c.csv", SMALL)
    code, _, err = run("report", "c.csv", "--out", out, "--assumptions", "none")
    assert code == 1 and "folder" in one_error(err)
    assert sorted(p.name for p in work.iterdir()) == ["c.csv", "sub"]


def test_report_refuses_a_folder_containing_the_working_folder(tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    _write(tmp_path / "c.csv", SMALL)
    code, _, err = run("report", tmp_path / "c.csv", "--out", tmp_path / "a")
    assert code == 1 and "contains the working folder" in one_error(err)
    assert work.is_dir()


def test_report_refuses_an_output_inside_its_input(tmp_path, small):
    code, _, err = run("report", small, "--out", small / "rep")
    assert code == 1 and "lies inside the input" in one_error(err)
    assert small.read_text() == SMALL


def test_report_refuses_a_folder_it_did_not_write(tmp_path, small):
    mine = tmp_path / "mine"
    mine.mkdir()
    _write(mine / "thesis.tex", "years of work\n")
    code, _, err = run("report", small, "--out", mine, "--assumptions", "none")
    assert code == 1 and f"no {MARKER} file" in one_error(err)
    assert [p.name for p in mine.iterdir()] == ["thesis.tex"]


def test_report_refuses_an_existing_file_and_a_symlink(tmp_path, small):
    other = _write(tmp_path / "other.txt", "keep\n")
    code, _, err = run("report", small, "--out", other)
    assert code == 1 and "existing file" in one_error(err)
    assert other.read_text() == "keep\n"
    target = tmp_path / "target"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    code, _, err = run("report", small, "--out", link)
    assert code == 1 and "symbolic link" in one_error(err)


def test_report_replaces_a_previous_report_and_fills_an_empty_folder(tmp_path, one):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, _ = run("report", one, "--out", empty, *QUICK)
    assert code == 0 and (empty / MARKER).is_file() and (empty / "report.md").is_file()
    (empty / "stale.txt").write_text("from before\n")
    code, _, _ = run("report", one, "--out", empty, *QUICK)
    assert code == 0 and not (empty / "stale.txt").exists() and (empty / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "one.csv"]


@pytest.mark.parametrize("command", ["normalise", "fit", "import-series"])
def test_file_outputs_refuse_inputs_and_folders(tmp_path, small, command):
    extra = {"fit": ["-q", "recruits"], "import-series": ["--quantity", "x"]}.get(command, [])
    source = small
    if command == "import-series":
        source = _write(tmp_path / "s.csv", "date,value\n2024-01-01,10\n2024-01-03,25\n")
    for out, phrase in ((source, "is also the input"), (tmp_path, "contains the input"),
                        (source / "x.csv", "lies inside the input")):  # fmt: skip
        code, _, err = run(command, source, *extra, "-o", out)
        assert code == 1 and phrase in one_error(err), (out, err)
    folder = tmp_path / "folder"
    folder.mkdir()
    code, _, err = run(command, source, *extra, "-o", folder)
    assert code == 1 and "is a folder; give a file name" in one_error(err)
    code, _, err = run(command, source, *extra, "-o", tmp_path / "missing" / "x.csv")
    assert code == 1 and "cannot write (No such file or directory" in one_error(err)
    code, _, err = run(command, source, *extra, "-o", tmp_path / ("x" * 300 + ".csv"))
    assert code == 1 and "name too long" in one_error(err).lower()


# ---------------------------------------------------------------------------------------
# 2. numeric sanity at the door; the fit checks its own numbers
# ---------------------------------------------------------------------------------------

TINY = "0." + "0" * 299 + "1"  # 1e-300 written out


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (TINY, "value 1e-300 is below the smallest figure trends reads (1e-06)"),
        ("1" + "0" * 165, "value 1e+165 is above the largest figure trends reads (1e+15)"),
        ("0.0000000001", "below the smallest figure"),
        ("9" * 400, "too large to read"),
    ],
)
def test_values_outside_the_range_are_validation_errors(tmp_path, value, phrase):
    path = _write(tmp_path / "tiny2.csv", HEADER + "a,x,total,5000,,2025-01-01,2025-01-31,\n"
                  f"b,x,total,{value},,2025-02-01,2025-02-28,\n")  # fmt: skip
    code, _, err = run("validate", path)
    assert code == 1 and phrase in err and "row 3, column 'value'" in err
    code, _, err = run("fit", path, "-q", "x")  # used to grow to 12 GB
    assert code == 1 and phrase in err


def test_tiny_weekly_claims_are_refused(tmp_path):
    path = _write(tmp_path / "w.csv", HEADER + f"a,x,rate,0.{'0' * 149}1,week,,2025-01-07,\n"
                  f"b,x,rate,{TINY},week,,2025-01-14,\n")  # fmt: skip
    code, out, err = run("fit", path, "-q", "x")
    assert code == 1 and "below the smallest figure" in err and "nan" not in out


def test_claims_of_one_quantity_too_far_apart_are_refused(tmp_path):
    # Both figures are in range, but one claim's daily rate is 1e21 times the other's.
    path = _write(tmp_path / "r.csv", HEADER + "a,x,total,0.000001,,2025-01-01,2025-01-31,\n"
                  "b,x,total,1000000000000000,,2025-02-01,2025-02-28,\n")  # fmt: skip
    code, _, err = run("validate", path)
    assert code == 1 and "rows 2 and 3 differ by a factor of" in err and "limit of 1e+09" in err


def test_negative_and_zero_values_say_what_is_wrong(tmp_path):
    path = _write(tmp_path / "n.csv", HEADER + "a,x,total,-40000,,2025-01-01,2025-01-31,\n"
                  "b,x,total,0,,2025-01-01,2025-01-31,\n")  # fmt: skip
    code, _, err = run("validate", path)
    assert code == 1
    assert "row 2, column 'value': value must be positive, got -40000" in err
    assert "row 3, column 'value': value must be positive, got 0" in err


def test_duplicate_ids_name_both_rows_even_when_one_is_invalid(tmp_path):
    rows = ["a,x,total,-5,,2025-01-01,2025-01-31,", "b,x,total,5,,2025-01-01,2025-01-31,",
            "a,x,total,7,,2025-02-01,2025-02-28,"]  # fmt: skip
    path = _write(tmp_path / "d.csv", HEADER + "\n".join(rows) + "\n")
    code, _, err = run("validate", path)
    assert code == 1 and "duplicate id 'a': rows 2 and 4" in err


def test_the_fit_checks_its_own_numbers():
    """Observations past the door's limits (built by hand): a clear error, never NaN."""
    import datetime as dt

    from trends.claims import Claim
    from trends.errors import DataError
    from trends.model import RateModel
    from trends.observe import observe

    claims = [
        Claim(id="a", quantity="x", kind="total", value=1e15, start=dt.date(2025, 1, 1),
              end=dt.date(2025, 1, 31)),
        Claim(id="b", quantity="x", kind="total", value=1e-6, start=dt.date(2025, 2, 1),
              end=dt.date(2025, 2, 28)),
    ]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataError, match="failed its own checks"):
            RateModel().fit([observe(c) for c in claims])


def test_header_only_file_is_no_claims(tmp_path):
    path = _write(tmp_path / "h.csv", HEADER)
    for argv in (["validate", path], ["normalise", path], ["fit", path, "-q", "x"],
                 ["report", path, "--out", tmp_path / "rep"]):  # fmt: skip
        code, _, err = run(*argv)
        assert code == 1 and "no claims" in one_error(err), argv
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.csv"]


# ---------------------------------------------------------------------------------------
# 3. a limit on the day grid and on draws x days, before any allocation
# ---------------------------------------------------------------------------------------


def test_claims_centuries_apart_are_refused(tmp_path):
    path = _write(tmp_path / "c.csv", HEADER + "a,x,total,5000,,1700-01-01,1700-01-31,\n"
                  "b,x,total,5000,,2025-01-01,2025-01-31,\n")  # fmt: skip
    code, _, err = run("validate", path)
    assert code == 1 and f"more than the limit of {MAX_DAYS:,} days" in err


def test_a_window_of_centuries_is_refused(tmp_path):
    path = _write(tmp_path / "c.csv", HEADER + "a,x,total,5000,,0001-01-01,9999-12-31,\n")
    code, _, err = run("validate", path)
    assert code == 1 and "spans 3,652,059 days" in err


def test_dates_at_the_calendar_edges(tmp_path):
    path = _write(tmp_path / "c.csv", HEADER + "a,x,rate,5,month,,0001-01-15,\n"
                  "b,x,rate,5,week,,9999-12-31,\n")  # fmt: skip
    code, _, err = run("validate", path)
    assert code == 1 and "falls outside the calendar" in err


@pytest.mark.parametrize("window", [("0001-01-01", "2025-01-01"), ("0535-02-27", "9999-12-31")])
def test_estimate_over_centuries_stops_at_once(small, window):
    t0 = time.perf_counter()
    code, _, err = run("estimate", small, "-q", "recruits", "--from", window[0],
                       "--to", window[1], limit=30)  # fmt: skip
    assert code == 1 and f"more than the limit of {MAX_DAYS:,} days" in one_error(err)
    assert "a nearer --until or --from" in err
    assert time.perf_counter() - t0 < 30  # it used to print nothing in 120 s


def test_fit_until_before_the_data(small):
    code, _, err = run("fit", small, "-q", "recruits", "--until", "1000-01-01")
    assert code == 1 and "before the first fitted day" in one_error(err)


def _assumptions(tmp_path: Path, start: str = "2025-01-01") -> Path:
    text = (REPO / "data" / "assumptions.toml").read_text(encoding="utf-8")
    text = text.replace("start = 2025-01-01", f"start = {start}", 1)
    return _write(tmp_path / "a.toml", text)


def test_projection_from_1900_is_refused(tmp_path, small):
    code, _, err = run("project", small, "--assumptions", _assumptions(tmp_path, "1900-01-01"),
                       "--until", "2026-01-01", "--draws", "100", limit=30)  # fmt: skip
    assert code == 1 and "the projection would span" in one_error(err)


def test_draws_times_days_is_bounded_before_allocation(tmp_path, small):
    code, _, err = run("project", small, "--assumptions", _assumptions(tmp_path),
                       "--until", "2026-12-31", "--draws", "1000000", limit=60)  # fmt: skip
    assert code == 1 and f"more than the limit of {MAX_CELLS:,}" in one_error(err)
    assert "use at most" in err


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (["--draws", "1000000000"], "draws must be 10 .. 1,000,000"),
        (["--draws", "5"], "draws must be 10"),
        (["--seed", "-1"], "seed must be 0 .. 2**63 - 1"),
        (["--seed", str(2**64)], "seed must be"),
    ],
)
def test_absurd_arguments_are_usage_errors(tmp_path, small, argv, phrase):
    code, _, err = run("project", small, "--assumptions", _assumptions(tmp_path),
                       "--until", "2026-01-01", *argv)  # fmt: skip
    assert code == 2 and phrase in err


# ---------------------------------------------------------------------------------------
# 4. import-series writes only claims that validate
# ---------------------------------------------------------------------------------------


def test_import_series_start_after_the_series(tmp_path):
    series = _write(tmp_path / "s.csv", "date,value\n2022-02-25,10\n2022-02-26,25\n")
    out = tmp_path / "out.csv"
    code, _, err = run("import-series", series, "--quantity", "x", "--start", "2030-01-01",
                       "-o", out)  # fmt: skip
    assert code == 1 and "after the first record (2022-02-25)" in one_error(err)
    assert not out.exists()


@pytest.mark.parametrize("day", [0, -3, "2"])
def test_import_series_day_not_positive(tmp_path, day):
    day = f'"{day}"' if isinstance(day, str) else day
    series = _write(tmp_path / "s.json", f'[{{"date": "2024-01-01", "day": {day}, "v": 1}},\n'
                    '{"date": "2024-01-02", "v": 5}]')  # fmt: skip
    code, _, err = run("import-series", series, "--quantity", "x", "-o", tmp_path / "o.csv")
    assert code == 1 and "'day' must be a whole number, 1 or more" in one_error(err)


@pytest.mark.parametrize(
    ("name", "text", "lines"),
    [
        ("s.json", '[{"date": "2024-01-01", "v": 1},\n{"date": "2024-01-02", "v": Infinity},\n'
         '{"date": "2024-01-03", "v": NaN},\n{"date": "2024-01-04", "v": 9}]', "line 2, 3"),
        ("s.csv", "date,value\n2024-01-01,1\n2024-01-02,1e309\n2024-01-03,nan\n"
         "2024-01-04,9\n", "line 3, 4"),
        ("n.json", '[{"date": "2024-01-01", "v": 1},\n{"date": "2024-01-02", "v": null},\n'
         '{"date": "2024-01-04", "v": 9}]', "line 2"),
    ],
)  # fmt: skip
def test_import_series_reports_non_finite_records_by_line(tmp_path, name, text, lines):
    series = _write(tmp_path / name, text)
    out = tmp_path / "out.csv"
    code, _, err = run("import-series", series, "--quantity", "x", "-o", out)
    assert code == 0 and f"skipped ({lines})" in err
    assert "inf" not in out.read_text().lower().replace("increment", "")
    assert run("validate", out)[0] == 0


def test_import_series_output_passes_validate_on_the_real_series(tmp_path):
    out = tmp_path / "ua.csv"
    series = REPO / "data" / "ua-general-staff" / "russia_losses_personnel.json"
    code, _, _ = run("import-series", series, "--quantity", "casualties", "-o", out)
    assert code == 0
    code, stdout, _ = run("validate", out)
    assert code == 0 and "no errors" in stdout


@pytest.mark.parametrize(
    ("name", "data", "phrase"),
    [
        ("deep.json", b"[" * 100_000, "nested too deeply"),
        ("big.json", b'[{"date": "2024-01-01", "v": 1' + b"0" * 5000 + b"}]", "too long"),
        ("bin.json", b"\xff\xfe\x00", "not UTF-8"),
        ("q.csv", b'date,value\n"2024-01-01,5\n', "expected YYYY-MM-DD,number"),
    ],
)
def test_import_series_hostile_files(tmp_path, name, data, phrase):
    path = tmp_path / name
    path.write_bytes(data)
    code, _, err = run("import-series", path, "--quantity", "x")
    assert code == 1 and phrase in one_error(err)


# ---------------------------------------------------------------------------------------
# 5. concurrent, interrupted and failing reports; OSError on every write path
# ---------------------------------------------------------------------------------------


def _old_report(path: Path) -> Path:
    path.mkdir()
    (path / MARKER).write_text("previous\n")
    (path / "old.txt").write_text("the previous report\n")
    return path


def test_a_second_concurrent_report_fails_with_a_message(tmp_path, one):
    rep = _old_report(tmp_path / "rep")
    stage = StagedFolder(rep)  # another run, holding the lock
    try:
        code, _, err = run("report", one, "--out", rep, *QUICK)
        assert code == 1 and "another trends report is being written" in one_error(err)
        assert (rep / "old.txt").is_file()
    finally:
        stage.close()
    code, _, _ = run("report", one, "--out", rep, *QUICK)
    assert code == 0 and not (rep / "old.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.csv", "rep"]


def test_stale_staging_folders_are_cleaned(tmp_path, one):
    rep = _old_report(tmp_path / "rep")
    for name in (".rep.staging-abc12345", ".rep.staging-zz"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "report.md").write_text("half\n")
    _write(tmp_path / ".rep.lock", "")  # left by a killed run: not held
    code, _, _ = run("report", one, "--out", rep, *QUICK)
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.csv", "rep"]


def test_the_swap_without_exchange_recovers_after_a_crash(tmp_path, monkeypatch):
    """Where no atomic exchange exists: a crash between the two renames loses nothing."""
    import trends.files as files

    rep = _old_report(tmp_path / "rep")
    monkeypatch.setattr(files, "_exchange", lambda a, b: False)
    real_rename = os.rename
    calls = []

    def crash_on_second(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise KeyboardInterrupt  # stands for a kill between the renames
        real_rename(src, dst)

    stage = StagedFolder(rep)
    (stage.path / "report.md").write_text("new\n")
    monkeypatch.setattr(files.os, "rename", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        stage.commit()
    monkeypatch.setattr(files.os, "rename", real_rename)
    stage._unlock()  # the process died: the system drops its lock, nothing else runs
    assert not rep.exists() and (tmp_path / ".rep.previous" / "old.txt").is_file()
    with StagedFolder(rep) as again:  # the next run puts the old report back first
        assert (rep / "old.txt").is_file()
        (again.path / "report.md").write_text("newer\n")
    assert (rep / "report.md").read_text() == "newer\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


def test_check_output_folder_accepts_new_empty_and_report_folders(tmp_path):
    check_output_folder(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    check_output_folder(tmp_path / "empty")
    check_output_folder(_old_report(tmp_path / "rep"))


@pytest.mark.parametrize("code_", [errno.ENOSPC, errno.EROFS, errno.EFBIG])
def test_write_errors_are_one_message_on_every_write_path(tmp_path, small, one, monkeypatch, code_):
    """A full disk, a read-only file system and a file-size limit at the last step."""
    import trends.files as files

    def fail(*args, **kwargs):
        raise OSError(code_, os.strerror(code_))

    rep = _old_report(tmp_path / "rep")
    series = _write(tmp_path / "s.csv", "date,value\n2024-01-01,10\n2024-01-03,25\n")
    commands = [
        ["normalise", small, "-o", tmp_path / "n.csv"],
        ["fit", small, "-q", "recruits", "-o", tmp_path / "f.csv"],
        ["import-series", series, "--quantity", "x", "-o", tmp_path / "i.csv"],
        ["plot", "claims", small, "-q", "recruits", "-o", tmp_path / "p.svg"],
        ["project", small, "--assumptions", _assumptions(tmp_path), "--until", "2025-03-31",
         "--draws", "100", "-o", tmp_path / "pr.csv"],
    ]  # fmt: skip
    if code_ != errno.ENOSPC:  # the slow commands once, the quick ones for every error
        commands = [commands[0], commands[2], commands[3]]
    with monkeypatch.context() as m:
        m.setattr(files.os, "replace", fail)  # every single-file write ends in a replace
        for argv in commands:
            code, _, err = run(*argv)
            assert code == 1 and os.strerror(code_) in one_error(err), argv
    with monkeypatch.context() as m:
        m.setattr(files, "_exchange", fail)  # the report's last step
        if code_ == errno.ENOSPC:
            code, _, err = run("report", one, "--out", rep, *QUICK)
            assert code == 1 and os.strerror(code_) in one_error(err)
    assert sorted(p.name for p in rep.iterdir()) == [MARKER, "old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.toml",
        "one.csv",
        "rep",
        "s.csv",
        "small.csv",
    ]


def _limited(limit_bytes: int):
    def preexec():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return preexec


def _trends(*argv, cwd: Path, preexec=None, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), MPLBACKEND="Agg")
    return subprocess.Popen(
        [sys.executable, "-m", "trends", *map(str, argv)], cwd=cwd, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec,
        **kwargs,
    )  # fmt: skip


def test_a_real_file_size_limit_is_one_message(tmp_path, small, one):
    """EFBIG from the system (ulimit -f): plot, report and fit each print one error."""
    rep = _old_report(tmp_path / "rep")
    for argv in (
        ["plot", "claims", small, "-q", "recruits", "-o", "p.png"],
        ["report", one, "--out", rep, *QUICK],
        ["fit", small, "-q", "recruits", "-o", "f.csv"],
    ):
        proc = _trends(*argv, cwd=tmp_path, preexec=_limited(2000))
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 1, err
        assert "Traceback" not in err and "File too large" in one_error(err)
    assert sorted(p.name for p in rep.iterdir()) == [MARKER, "old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.csv", "rep", "small.csv"]


# ---------------------------------------------------------------------------------------
# kill -9 at any moment: the previous complete output or the new complete one
# ---------------------------------------------------------------------------------------


def _complete_report(rep: Path) -> str:
    names = {p.name for p in rep.iterdir()}
    if names == {MARKER, "old.txt"}:
        return "old"
    assert {MARKER, "report.md", "report.html", "figures", "tables"} <= names, names
    assert "old.txt" not in names
    assert (rep / "report.md").read_text(encoding="utf-8").rstrip().endswith(".")
    return "new"


def test_kill_9_during_report_leaves_old_or_new(tmp_path, one):
    rep = _old_report(tmp_path / "rep")
    argv = ["report", one, "--out", rep, *QUICK]
    # A full run, timed, to spread the kills over its whole length.
    t0 = time.perf_counter()
    proc = _trends(*argv, cwd=tmp_path)
    proc.communicate(timeout=300)
    full = time.perf_counter() - t0
    assert proc.returncode == 0 and _complete_report(rep) == "new"
    seen = set()
    for frac in (0.4, 0.95):
        shutil_rm(rep)
        rep = _old_report(tmp_path / "rep")
        proc = _trends(*argv, cwd=tmp_path)
        time.sleep(full * frac)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        seen.add(_complete_report(rep))
        leftovers = {p.name for p in tmp_path.iterdir()} - {"one.csv", "rep"}
        assert leftovers <= {".rep.lock"} | {n for n in leftovers if ".rep.staging-" in n}
    assert "old" in seen  # the kills did land before the swap


def shutil_rm(path: Path) -> None:
    import shutil

    shutil.rmtree(path)


def test_kill_9_during_fit_output_leaves_old_or_new(tmp_path, small):
    out = tmp_path / "fit.csv"
    old = "date,old\n2025-01-01,1\n"
    argv = ["fit", small, "-q", "recruits", "-o", out]
    t0 = time.perf_counter()
    proc = _trends(*argv, cwd=tmp_path)
    proc.communicate(timeout=300)
    full = time.perf_counter() - t0
    new = out.read_text()
    assert proc.returncode == 0 and new.startswith("date,rate_mean")
    for frac in (0.6, 0.9, 1.0):
        out.write_text(old)
        proc = _trends(*argv, cwd=tmp_path)
        time.sleep(full * frac)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert out.read_text() in (old, new)


# ---------------------------------------------------------------------------------------
# no hang on outside warnings; progress on a terminal only
# ---------------------------------------------------------------------------------------


def test_an_outside_warning_is_shown_once_and_does_not_hang(small, monkeypatch):
    real = cli._cmd_validate
    shown = []

    def noisy(args):
        # What matplotlib says of an oversized legend; it used to loop forever.
        warnings.warn("constrained_layout not applied", UserWarning, stacklevel=1)
        return real(args)

    monkeypatch.setattr(cli, "_cmd_validate", noisy)
    monkeypatch.setattr(warnings, "showwarning", lambda message, *a, **k: shown.append(message))
    code, _, _ = run("validate", small, limit=20)
    assert code == 0 and [str(m) for m in shown] == ["constrained_layout not applied"]


def test_an_outside_warning_from_matplotlib_itself(tmp_path, small, monkeypatch):
    import matplotlib.pyplot as plt

    from trends import plot

    real = plot.plot_claims

    def crowded(claims, quantity, *, ax=None, **kw):
        out = real(claims, quantity, ax=ax, **kw)
        ax.legend(["x" * 400] * 40)  # a legend far larger than the figure
        ax.figure.set_layout_engine("constrained")
        ax.figure.canvas.draw()
        return out

    monkeypatch.setattr(plot, "plot_claims", crowded)
    code, _, err = run("plot", "claims", small, "-q", "recruits", "-o", tmp_path / "p.svg",
                       limit=60)  # fmt: skip
    assert code == 0
    plt.close("all")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_and_quiet_when_piped(tmp_path, one, monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # piped
    assert cli._progress() is None
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert cli.main(["report", str(one), "--out", str(tmp_path / "rep"), *QUICK]) == 0
    assert "s] fitting recruits" in term.getvalue()
