"""The report: every section written, the HTML self-contained and loadable in a browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from trends.cli import main
from trends.report import write_report

REPO = Path(__file__).resolve().parents[1]
CLAIMS = REPO / "data" / "claims.csv"
ASSUMPTIONS = REPO / "data" / "assumptions.toml"

SECTIONS = ("# trends report", "## Claims", "## Fitted quantities", "### recruits",
            "### casualties", "## Projections", "## Warnings", "## Figures",
            "## Reproducibility")  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "report"
    return write_report(CLAIMS, out, assumptions_path=ASSUMPTIONS, draws=500, seed=0)


def test_report_holds_every_section(report):
    text = (report.folder / "report.md").read_text(encoding="utf-8")
    for heading in SECTIONS:
        assert re.search(rf"^{re.escape(heading)}$", text, re.M), heading
    # every independent fitted claim id appears (figures trace to claims)
    for cid in ("isw_ytd_2025", "nato_monthly_2024", "rutte_casualties_2024"):
        assert cid in text
    # the new stocks and the sensitivity, with P(exhausted) and the peak date
    assert "### Reserve, front and deficit" in text
    assert re.search(r"\| baseline \| (0\.\d\d|1\.00) \| 20\d\d-\d\d-\d\d \(", text)
    assert "### What drives the width of each number" in text
    assert re.search(r"\| wounded_return_share \| \d\.\d\d \|", text)
    # the 2023 target is compared against, with a probability (a number in [0, 1])
    assert re.search(r"Target `kremlin_target_2023`.*P\(reached\) = (0\.\d\d|1\.00)", text)


def test_report_files(report):
    files = set(report.files)
    for stem in ("fit_recruits", "cumulative_recruits", "fit_casualties",
                 "projection_reserve", "projection_attrition", "scenarios_reserve",
                 "projection_deficit", "sensitivity"):  # fmt: skip
        for suffix in (".png", ".pdf", ".svg"):
            assert f"figures/{stem}{suffix}" in files
    for table in ("tables/claims.csv", "tables/claims_normalised.csv",
                  "tables/fit_recruits_weekly_rate.csv", "tables/projection.csv",
                  "tables/reserve_outlook.csv", "tables/sensitivity.csv"):  # fmt: skip
        assert table in files
    # every image the Markdown names exists; the HTML embeds them (no external files)
    text = (report.folder / "report.md").read_text(encoding="utf-8")
    for src in re.findall(r"\]\((figures/[^)]+)\)", text):
        assert (report.folder / src).is_file()
    page = (report.folder / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == len(re.findall(r"!\[", text))
    assert 'src="figures/' not in page


def test_report_is_reproducible(report, tmp_path):
    again = write_report(CLAIMS, tmp_path / "r2", assumptions_path=ASSUMPTIONS, draws=500, seed=0)
    for name in ("report.md", "tables/projection.csv", "figures/fit_recruits.png"):
        assert (again.folder / name).read_bytes() == (report.folder / name).read_bytes(), name


def test_failed_report_leaves_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,quantity,kind,value,end\nx,recruits,rate,1000,2025-01-01\n")
    out = tmp_path / "out"
    assert main(["report", str(bad), "--out", str(out)]) == 1
    assert list(tmp_path.iterdir()) == [bad]


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_html_loads_in_headless_chromium(report, tmp_path):
    browser = _browser()
    if browser is None:
        pytest.skip("no chromium on this machine (.ci/run installs Debian's chromium)")
    shot = tmp_path / "page.png"
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
           "--window-size=1000,3000", f"--screenshot={shot}",
           (report.folder / "report.html").as_uri()]  # fmt: skip
    dom = subprocess.run([*cmd[:-2], "--dump-dom", cmd[-1]], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<h2>Projections</h2>" in dom.stdout
    assert dom.stdout.count("<img") >= 8
    subprocess.run(cmd, capture_output=True, timeout=120)
    assert shot.is_file() and shot.stat().st_size > 10_000
