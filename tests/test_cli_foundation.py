"""The ``trends`` command: validate, normalise, import-series (run in-process)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import warnings

import pandas as pd
import pytest
from test_claims import ERROR_HEADER, ERROR_ROWS, EXPECTED, write_csv

from trends import cli
from trends.claims import read_claims
from trends.errors import ConflictWarning
from trends.observe import normalise

LAST_PERSONNEL = 1_456_610

HEADER = ["id", "quantity", "kind", "value", "per", "start", "end", "qualifier", "published"]
HEADER += ["derived_from", "source"]
ROWS = [
    ["isw_weekly", "recruits", "rate", "8,000", "week", "", "2025-09-15", "nearly", "2025-09-22"],
    ["isw_ytd", "recruits", "total", "300000", "", "2025-01-01", "2025-09-15", "approximately"],
    ["again", "recruits", "rate", "8000", "week", "", "2025-09-15", "", "2025-10-12", "isw_weekly"],
    ["nato", "casualties", "stock", "600k", "", "", "2024-10-15", "about", "", "", "NATO"],
]


@pytest.fixture
def claims_file(tmp_path):
    return write_csv(tmp_path / "claims.csv", HEADER, ROWS)


@pytest.fixture
def bad_file(tmp_path):
    return write_csv(tmp_path / "bad.csv", ERROR_HEADER, ERROR_ROWS)


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ---------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------


def test_validate_ok(capsys, claims_file):
    code, out, err = run(capsys, "validate", claims_file)
    assert code == 0
    assert out == f"{claims_file}: 4 claims (3 independent) on 2 quantities, no errors\n"
    assert err == ""


def test_validate_lists_every_error(capsys, bad_file):
    code, out, err = run(capsys, "validate", bad_file)
    assert code == 1 and out == ""
    assert f"{bad_file}: {len(EXPECTED)} errors in the claims file" in err
    for row, column in EXPECTED:
        assert f"row {row}, column '{column}'" in err
    for phrase in EXPECTED.values():
        assert phrase in err


def test_missing_file_names_the_path(capsys, tmp_path):
    missing = tmp_path / "no" / "such.csv"
    for command in ("validate", "normalise", "import-series"):
        code, out, err = run(capsys, command, missing)
        assert code == 1, command
        assert str(missing) in err and out == ""


# ---------------------------------------------------------------------------------
# normalise
# ---------------------------------------------------------------------------------


def test_normalise_text_table(capsys, claims_file):
    code, out, err = run(capsys, "normalise", claims_file)
    assert code == 0 and err == ""
    lines = out.splitlines()
    header, rule, *rows, footer = lines
    assert header.split()[:6] == ["id", "quantity", "kind", "start", "end", "days"]
    assert set(rule) <= {"-", " "}
    assert [r.split()[0] for r in rows] == ["isw_weekly", "isw_ytd", "nato"]
    weekly = rows[0]
    assert "2025-09-09" in weekly and "2025-09-15" in weekly
    assert "7,600" in weekly and "8,000" in weekly and "1,143" in weekly  # total; per day
    assert weekly.rstrip().endswith("again")  # the repeat, counted once
    assert "600,000" in rows[2] and "660,000" in rows[2]
    # aligned: each column starts where its dashes start
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    ends = [m.end() for m in re.finditer(r"-+", rule)]
    days = header.split().index("days")
    for row in rows:
        assert row[starts[0]] != " " and row[ends[days] - 1] != " "
    assert footer.startswith("3 independent claims (4 claims, 1 counted through")


def test_normalise_as_of(capsys, claims_file):
    code, out, _ = run(capsys, "normalise", claims_file, "--as-of", "2025-01-01")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[2:-1]] == ["nato"]
    assert "as of 2025-01-01" in out


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "20250101", "2025-1-1"])
def test_normalise_bad_as_of_is_a_usage_error(capsys, claims_file, bad):
    code, out, err = run(capsys, "normalise", claims_file, "--as-of", bad)
    assert code == 2 and out == ""
    assert "--as-of" in err and repr(bad) in err and "YYYY-MM-DD" in err


def test_normalise_csv(capsys, claims_file, tmp_path):
    out_csv = tmp_path / "normalised.csv"
    code, out, err = run(capsys, "normalise", claims_file, "-o", out_csv)
    assert code == 0 and out == "" and f"{out_csv}: 3 rows" in err
    got = pd.read_csv(out_csv, keep_default_na=False)
    want = normalise(read_claims(claims_file))
    assert list(got.columns) == list(want.columns)
    assert list(got["id"]) == list(want["id"])
    for col in ("total_low", "total_mid", "total_high", "rate_low", "rate_mid", "rate_high"):
        assert got[col].tolist() == pytest.approx(want[col].tolist(), rel=1e-15)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "normalised.csv"]


def test_normalise_no_output_left_behind_on_failure(capsys, bad_file, tmp_path):
    out_csv = tmp_path / "normalised.csv"
    code, _, err = run(capsys, "normalise", bad_file, "-o", out_csv)
    assert code == 1 and "errors in the claims file" in err
    assert not out_csv.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_normalise_unwritable_output(capsys, claims_file, tmp_path):
    out_csv = tmp_path / "missing_dir" / "n.csv"
    code, _, err = run(capsys, "normalise", claims_file, "-o", out_csv)
    assert code == 1 and f"{out_csv}: cannot write" in err


def test_normalise_never_writes_over_its_input(capsys, claims_file):
    before = claims_file.read_bytes()
    code, _, err = run(capsys, "normalise", claims_file, "-o", claims_file)
    assert code == 1 and "is also the input" in err
    assert claims_file.read_bytes() == before


# ---------------------------------------------------------------------------------
# import-series
# ---------------------------------------------------------------------------------


def test_import_series_then_validate(capsys, personnel_series_path, tmp_path):
    out_csv = tmp_path / "casualties.csv"
    code, out, err = run(
        capsys, "import-series", personnel_series_path, "--quantity", "casualties", "-o", out_csv
    )
    assert code == 0 and out == ""
    assert "1,456,610 in all from 2022-02-24 to 2026-08-08" in err
    code, out, _ = run(capsys, "validate", out_csv)
    assert code == 0 and out.endswith("on 1 quantity, no errors\n")
    claims = read_claims(out_csv)
    assert sum(c.value for c in claims) == LAST_PERSONNEL
    assert {c.quantity for c in claims} == {"casualties"}
    assert {c.document for c in claims} == {str(personnel_series_path)}


def test_import_series_to_stdout(capsys, personnel_series_path):
    code, out, _ = run(capsys, "import-series", personnel_series_path)
    assert code == 0
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert set(table["quantity"]) == {"personnel"}  # default: the JSON field name
    assert table["value"].sum() == LAST_PERSONNEL
    assert table["start"].iloc[0] == "2022-02-24"


def test_import_series_options(capsys, tmp_path):
    series = tmp_path / "s.json"
    series.write_text(
        '[{"date": "2024-01-01", "a": 5, "b": 1}, {"date": "2024-01-03", "a": 9, "b": 4}]'
    )
    code, out, err = run(capsys, "import-series", series, "--field", "b", "--start", "2023-12-30")
    assert code == 0
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert list(table["quantity"]) == ["b", "b"] and table["value"].sum() == 4
    assert table["start"].iloc[0] == "2023-12-30"
    code, out, err = run(capsys, "import-series", series)
    assert code == 1 and "candidates: a, b" in err and "--field" in err


def test_import_csv_series_needs_a_quantity(capsys, tmp_path):
    series = tmp_path / "s.csv"
    series.write_text("date,value\n2024-01-01,10\n2024-01-05,25\n")
    code, _, err = run(capsys, "import-series", series)
    assert code == 1 and "--quantity" in err
    code, out, err = run(capsys, "import-series", series, "--quantity", "things")
    assert code == 0 and "things" in out and "no origin" in err


@pytest.mark.parametrize(
    ("args", "phrase"),
    [(["--quantity", "Bad Name"], "snake_case"), (["--start", "Feb 24"], "YYYY-MM-DD")],
)
def test_import_series_usage_errors(capsys, tmp_path, args, phrase):
    series = tmp_path / "s.csv"
    series.write_text("date,value\n2024-01-01,10\n")
    code, out, err = run(capsys, "import-series", series, *args)
    assert code == 2 and phrase in err and out == ""


def test_import_decreasing_series_leaves_nothing_behind(capsys, tmp_path):
    series = tmp_path / "s.csv"
    series.write_text("date,value\n2024-01-01,10\n2024-01-02,12\n2024-01-03,11\n")
    out_csv = tmp_path / "out.csv"
    code, out, err = run(capsys, "import-series", series, "--quantity", "x", "-o", out_csv)
    assert code == 1 and "decreases on 2024-01-03" in err and out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]


# ---------------------------------------------------------------------------------
# The frame: usage, warnings, python -m trends
# ---------------------------------------------------------------------------------


def test_usage_errors_exit_2(capsys):
    assert (
        run(
            capsys,
        )[0]
        == 2
    )
    assert run(capsys, "frobnicate")[0] == 2
    assert run(capsys, "validate")[0] == 2
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "validate" in out and "import-series" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("trends ")


def test_library_warnings_are_one_stderr_line_each(capsys, claims_file, monkeypatch):
    import trends.claims

    real = trends.claims.read_claims

    def read_claims_warning(path):
        warnings.warn("claims a and b pull apart:\n  check them", ConflictWarning, stacklevel=2)
        warnings.warn("second one", ConflictWarning, stacklevel=2)
        return real(path)

    monkeypatch.setattr(trends.claims, "read_claims", read_claims_warning)
    code, out, err = run(capsys, "validate", claims_file)
    assert code == 0 and "no errors" in out
    assert err.splitlines() == [
        "warning: claims a and b pull apart: check them",
        "warning: second one",
    ]


def test_python_dash_m_trends(claims_file):
    done = subprocess.run(
        [sys.executable, "-m", "trends", "validate", str(claims_file)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("no errors\n")


# ---------------------------------------------------------------------------------
# README and .ci/run agree
# ---------------------------------------------------------------------------------


def test_ci_runs_the_readme_test_command(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|shell|bash|console)\n(.*?)```", readme, flags=re.S)
    commands = [line.strip() for b in blocks for line in b.splitlines() if line.strip()]
    test_command = "pip install -e '.[test]' && python -m pytest -q"
    assert test_command in commands
    run_script = repo_root / ".ci" / "run"
    assert os.access(run_script, os.X_OK)
    lines = run_script.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/usr/bin/env bash" and "set -euo pipefail" in lines
    assert lines[-1] == test_command
