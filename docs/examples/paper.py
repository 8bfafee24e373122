"""A paper's analysis in Python: claims, fits, a totals table, a projection, a figure.

Run from the repository root::

    python docs/examples/paper.py [OUT_FOLDER] [--draws N]

It reads the shipped claims (``data/claims.csv``) and adds two figures typed in as a
DataFrame; fits the daily rate of recruits and of casualties; tabulates the recruits of
2024 and 2025 with the probability that each year reached 400,000 (the target reported
for 2023); projects the reserve to the end of 2026 under the shipped assumptions and one
scenario built here; draws a two-panel figure on axes of its own ``plt.subplots``; and
writes ``totals.tex``, ``projection.tex`` and ``paper_figure.pdf`` into OUT_FOLDER
(default ``paper-out``). docs/tutorial.md walks through it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import trends  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data"
if DATA.is_relative_to(Path.cwd()):
    DATA = DATA.relative_to(Path.cwd())  # shorter paths in the summary


def main(out: Path, draws: int = 4000) -> dict:
    out.mkdir(parents=True, exist_ok=True)

    # 1. Claims: the shipped file plus two figures typed in by hand. Both restate the
    #    insider figure behind ISW's assessment of 21 September 2025 (see the notes of
    #    isw_ytd_2025 in the file), so derived_from links them to that claim of the file:
    #    they count once, and the two sources are checked together.
    mine = pd.DataFrame(
        {
            "id": ["isw_insider_ytd_2025", "isw_insider_weekly_2025"],
            "quantity": ["recruits", "recruits"],
            "kind": ["total", "rate"],
            "value": [292_000, 7_900],
            "per": [None, "week"],
            "start": ["2025-01-01", "2025-01-01"],
            "end": ["2025-09-15", "2025-09-15"],
            "qualifier": ["about", "approximately"],
            "published": ["2025-09-21", "2025-09-21"],
            "source": ["ISW", "ISW"],
            "derived_from": ["isw_ytd_2025", "isw_ytd_2025"],
        }
    )
    claims = trends.read_claims([DATA / "claims.csv", mine])

    # 2. Fits. The grid reaches back far enough for the projection's return delays.
    assumptions = trends.read_assumptions(DATA / "assumptions.toml")
    until = "2026-12-31"
    first = assumptions.start - dt.timedelta(days=assumptions.max_delay())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", trends.TrendsWarning)  # few claims: wide on purpose
        fits = {
            q: trends.fit(claims, q, start=first, until=until, seed=0)
            for q in ("recruits", "casualties")
        }

    # 3. Recruits in 2024 and 2025, and P(at least 400,000) each year.
    target = 400_000
    totals = []
    for year in (2024, 2025):
        est = fits["recruits"].total(f"{year}-01-01", f"{year}-12-31")
        totals.append(est.to_frame().assign(p_target=est.p_at_least(target)))
    totals = pd.concat(totals, ignore_index=True)
    count = "{:,.0f}".format
    table = totals.assign(year=totals["start"].dt.year)[["year", "q50", "q05", "q95", "p_target"]]
    latex = trends.tables.to_latex(
        table,
        {"year": str, "q50": count, "q05": count, "q95": count, "p_target": "{:.2f}".format},
        header={"q50": "median", "q05": "5\\%", "q95": "95\\%", "p_target": "$P(\\geq 400{,}000)$"},
    )
    (out / "totals.tex").write_text(latex, encoding="utf-8")

    # 4. A projection with one scenario built in code (checked as a file's would be).
    halves = trends.Scenario(
        "recruitment_halves",
        "Recruitment halves from July 2026",
        flows=[trends.FlowChange("recruits", 0.5, start="2026-07-01")],
    )
    proj = trends.project(claims, assumptions, until, scenarios=[halves], draws=draws, seed=0,
                          fits=fits)  # fmt: skip
    summary = proj.summary()
    (out / "projection.tex").write_text(summary.as_latex(), encoding="utf-8")

    # 5. A two-panel figure on the axes of our own figure.
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.0, 2.6), layout="constrained")
    trends.plot.plot_fit(fits["recruits"], claims, per="month", ax=left)
    if left.get_legend() is not None:  # one entry per source (dozens): the caption says it
        left.get_legend().remove()
    trends.plot.plot_projection(proj, "reserve", ax=right)
    left.set_title("Recruits a month", loc="left")
    right.set_title("Reserve", loc="left")
    trends.plot.save_figure(fig, out / "paper_figure.pdf")
    plt.close(fig)

    reserve = proj.quantiles("reserve", "recruitment_halves")
    return {"totals": totals, "summary": summary, "reserve": reserve, "claims": claims}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="paper-out", type=Path)
    ap.add_argument("--draws", type=int, default=4000)
    args = ap.parse_args()
    res = main(args.out, args.draws)
    print(res["totals"].to_string(index=False, float_format="{:,.2f}".format))
    print()
    print(res["summary"])
    print(f"\nwrote {args.out}/totals.tex, projection.tex and paper_figure.pdf")
