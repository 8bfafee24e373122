"""The worked example of docs/examples/paper.py runs, and its numbers hang together."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

import trends

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "paper.py"


def test_paper_example_runs(tmp_path, repo_root):
    spec = importlib.util.spec_from_file_location("paper_example", EXAMPLE)
    paper = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(paper)
    res = paper.main(tmp_path, draws=200)  # few draws: this checks the path, not the figures

    for name in ("totals.tex", "projection.tex", "paper_figure.pdf"):
        assert (tmp_path / name).stat().st_size > 0
    # the two claims typed in repeat a claim of the file: the evidence is unchanged
    shipped = trends.read_claims(repo_root / "data" / "claims.csv")
    assert len(res["claims"]) == len(shipped) + 2
    assert {c.id for c in trends.independent(res["claims"])} == {
        c.id for c in trends.independent(shipped)
    }

    totals = res["totals"]
    assert list(totals["start"].dt.year) == [2024, 2025]
    assert ((totals["q05"] < totals["q50"]) & (totals["q50"] < totals["q95"])).all()
    for _, row in totals.iterrows():  # P(>= 400,000) agrees with the quantiles
        p, target = row["p_target"], 400_000
        assert 0 <= p <= 1
        assert (p >= 0.95 or row["q05"] <= target) and (p <= 0.05 or row["q95"] >= target)
        assert (p >= 0.5 or row["q50"] <= target) and (p <= 0.5 or row["q50"] >= target)
    latex = (tmp_path / "totals.tex").read_text()
    assert latex.startswith("\\begin{tabular}{rrrrr}") and "$P(\\geq 400{,}000)$" in latex
    for _, row in totals.iterrows():
        assert f"{row['start'].year} & {row['q50']:,.0f} &" in latex

    # halving recruits from July 2026 lowers the reserve (on 95% of paths at least)
    summary = res["summary"]
    table = summary.table.set_index(["scenario", "variable"])
    change = table.loc[("recruitment_halves", "reserve")]
    assert change["change_q95"] <= 0 < -change["change_q05"]
    reserve = res["reserve"]
    assert len(reserve.loc["2026"]) == 365 and np.isfinite(reserve.to_numpy()).all()
    assert "recruitment\\_halves & reserve &" in (tmp_path / "projection.tex").read_text()
