"""The report: every section written, the HTML self-contained and loadable in a browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from trends.cli import main
from trends.report import write_report

REPO = Path(__file__).resolve().parents[1]
CLAIMS = REPO / "data" / "claims.csv"
ASSUMPTIONS = REPO / "data" / "assumptions.toml"

SECTIONS = ("# trends report", "## Claims", "## Fitted quantities", "### Recruits",
            "### Casualties", "## Projections", "## Warnings", "## Files",
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


def test_report_on_workers_is_the_same_byte_for_byte(report, tmp_path):
    """Fits and figures on two worker processes: every file as in one process, and the
    warnings in the same order."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        two = write_report(CLAIMS, tmp_path / "r2", assumptions_path=ASSUMPTIONS, draws=500,
                           seed=0, jobs=2)  # fmt: skip
    assert two.files == report.files
    for name in report.files:
        assert (two.folder / name).read_bytes() == (report.folder / name).read_bytes(), name
    assert two.warnings == report.warnings
    assert [" ".join(str(w.message).split()) for w in caught] == list(report.warnings)


def test_report_jobs_must_be_a_whole_number_from_one(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path / "r"), "--jobs", "0"]) == 2
    assert "jobs must be 1 .. 64" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


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


# ---- the HTML, checked by a parser ----------------------------------------------------------
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip


class _Checker(HTMLParser):
    """Records unbalanced tags, list items outside lists and text outside code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.figures: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "li" and not any(t in ("ul", "ol") for t in self.stack):
            self.problems.append(f"<li> outside <ul>/<ol> at line {self.getpos()[0]}")
        if tag == "figure":
            self.figures.append({"img": 0, "figcaption": 0})
        if tag in ("img", "figcaption") and "figure" in self.stack:
            self.figures[-1][tag] += 1
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]} at line {self.getpos()[0]}")
            return
        self.stack.pop()

    def handle_data(self, data):
        if not {"code", "pre", "style"} & set(self.stack):
            self.text.append(data)


def _check_html(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    if checker.stack:
        checker.problems.append(f"never closed: {checker.stack}")
    return checker


def test_the_html_checker_finds_faults():
    bad = _check_html("<html><body><li>a</li><p>`x` <b>y</p></body></html>")
    assert any("<li> outside" in p for p in bad.problems)
    assert any("</p> closes ['b']" in p for p in bad.problems)
    assert "`" in "".join(bad.text)


def test_html_is_well_formed(report):
    page = (report.folder / "report.html").read_text(encoding="utf-8")
    checker = _check_html(page)
    assert not checker.problems, checker.problems[:5]
    assert "`" not in "".join(checker.text)  # code spans rendered, not left as backticks
    assert "`" not in page.split("<body>", 1)[1].replace("data:image", "")
    # one <figure> per image, each with its caption under the image
    text = (report.folder / "report.md").read_text(encoding="utf-8")
    assert len(checker.figures) == len(re.findall(r"^!\[", text, re.M)) >= 6
    assert all(f == {"img": 1, "figcaption": 1} for f in checker.figures), checker.figures
    assert re.search(r"<img [^>]*>\s*<figcaption><em>Figure 1\.</em>", page)
    # the claims table is a table, the summaries are code
    assert "<table>" in page and "<th>id</th>" in page and "<pre><code>" in page


def test_captions_sit_under_each_figure(report):
    text = (report.folder / "report.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    images = [i for i, line in enumerate(lines) if line.startswith("![")]
    for n, i in enumerate(images, start=1):
        assert lines[i + 1].startswith(f"*Figure {n}.* "), lines[i + 1]
    assert "per week (people)" in text and "(people):" in text  # units in the captions


def test_one_number_per_target(report):
    # the same target's P(reached) in the fit's section and in the projection's summary
    text = (report.folder / "report.md").read_text(encoding="utf-8")
    fit_p = re.search(r"Target `kremlin_target_2023`.*P\(reached\) = ([01]\.\d\d)", text).group(1)
    proj_p = re.search(r"kremlin_target_2023: recruits .*: P = ([01]\.\d\d)", text).group(1)
    assert fit_p == proj_p
    assert "same number" in text


def test_mean_outside_its_interval_is_explained():
    from types import SimpleNamespace

    from trends.report import _estimate_text

    def est(mean):
        return SimpleNamespace(start="2026-01-01", end="2026-12-31", mean=mean,
                               quantiles={0.05: 100.0, 0.5: 150.0, 0.95: 300.0})  # fmt: skip

    inside = _estimate_text(est(180.0))
    assert "about 150" in inside and "mean 180" in inside and "lies" not in inside
    above = _estimate_text(est(450.0))
    assert "mean, 450, lies above that interval" in above and "median" in above


def test_warnings_listed_once_and_passed_on(tmp_path, capsys):
    # one claim about emigrants: a sparse-data warning, in the report once and on stderr
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "id,quantity,kind,value,per,start,end\n"
        "a,emigrants,total,1000000,,2022-09-21,2023-03-24\n"
        "b,recruits,total,300000,,2025-01-01,2025-09-15\n"
        "c,recruits,rate,30000,month,,2024-10-30\n"
        "d,recruits,rate,8000,week,,2025-06-30\n",
        encoding="utf-8",
    )
    assert main(["report", str(claims), "--out", str(tmp_path / "rep")]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: emigrants: only 1 claim") == 1
    text = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert text.count("emigrants: only 1 claim") == 1
    assert "This fit met 1 warning" in text
    # a quantity whose claims ended in 2023 is fitted to the end of 2024, not 2026
    assert "Total from 2024-01-01 to 2024-12-31" in text


def test_forty_sources_report_exit_0_no_warning(tmp_path, capsys):
    from claimsgen import forty_sources

    claims = forty_sources(tmp_path / "claims.csv")
    code = main(["report", str(claims), "--out", str(tmp_path / "rep"), "--assumptions",
                 str(ASSUMPTIONS), "--draws", "300"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    assert "warning" not in err.lower() and "Traceback" not in err, err
    page = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert not _check_html(page).problems
    text = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert re.search(r"^## Warnings\n\nNone\.$", text, re.M)
