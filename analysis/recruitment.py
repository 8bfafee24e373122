"""Russian recruitment from the seed claims: totals for 2024-2026, the monthly rate now,
and the Kremlin's 2023 target of 400,000 (claim kremlin_target_2023) against the pace.

Usage::

    python analysis/recruitment.py

Prints estimates with 90% intervals and the claim ids they rest on; writes
``analysis/output/recruitment_fit.png`` and ``analysis/output/recruitment_cumulative.png``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

from trends import plot
from trends.claims import independent, read_claims
from trends.errors import TrendsWarning
from trends.model import fit
from trends.projection import target_attainment

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "analysis" / "output"
D = dt.date
NOW = D(2026, 11, 23)  # "now": the day this was run; the last claim ends 2025-09-15


def iv(est) -> str:
    q = est.quantiles
    return f"{q[0.5]:>9,.0f}  (90% {q[0.05]:,.0f} to {q[0.95]:,.0f}; mean {est.mean:,.0f})"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TrendsWarning)
        claims = read_claims(ROOT / "data" / "claims.csv")
        rec = [c for c in claims if c.quantity == "recruits"]
        used = [c for c in independent(rec) if c.kind in ("rate", "total")]
        repeats = sorted(c.id for c in rec if c.derived_from)
        print("Recruitment (quantity 'recruits') from data/claims.csv")
        print("  independent claims fitted: " + ", ".join(c.id for c in used))
        print("  repeats counted once (derived_from): " + ", ".join(repeats))

        f = fit(claims, "recruits", start=D(2023, 1, 1), until=D(2026, 12, 31), rng=0)
        print(f"  grid {f.origin}..{f.end}; set aside: {f.set_aside}")
        print()
        print("Totals by calendar year (median, 90% interval):")
        for y in (2023, 2024, 2025, 2026):
            print(f"  {y}: {iv(f.total(D(y, 1, 1), D(y, 12, 31)))}")
        ytd = f.total(D(2025, 1, 1), D(2025, 9, 15))
        print(f"  2025-01-01..2025-09-15 (window of isw_ytd_2025): {iv(ytd)}")
        print()
        print("Monthly rate (recruits per mean month):")
        for d in (D(2024, 10, 30), D(2025, 6, 1), D(2025, 9, 15), NOW, D(2026, 12, 31)):
            r = f.rate([d], per="month").iloc[0]
            tag = " (now; forecast, last claim ends 2025-09-15)" if d == NOW else ""
            print(f"  {d}: {r.q50:,.0f}  (90% {r.q05:,.0f} to {r.q95:,.0f}){tag}")
        print()
        print("Residuals of the fitted claims:")
        print(f.residuals().to_string())
        print()

        target = next(c for c in claims if c.id == "kremlin_target_2023")
        t = target_attainment(f, target)
        print(
            "Kremlin 2023 target (kremlin_target_2023: 'as many as 400,000 contract soldiers"
            " this year', Bloomberg via SCMP, 2023-03-24):"
        )
        print(
            f"  implied 2023 total: {t['q50']:,.0f} (90% {t['q05']:,.0f} to {t['q95']:,.0f});"
            f" P(total >= 400,000) = {t['p_reach']:.2f}"
        )
        print(
            "  CAVEAT: no recruits claim covers 2023 (the first, nato_monthly_2024, ends"
            " 2024-10-30; digest_ytd_behaviors_2023 is a misdated repeat of the 2025 figure and"
            " is not used). The 2023 total is a back-cast of the late-2024/2025 pace through"
            " the random-walk prior, so its interval is wide and it is no evidence about 2023."
        )
        p25 = f.total(D(2025, 1, 1), D(2025, 12, 31))
        print(
            f"  for comparison, at the 2025 pace: P(2025 total >= 400,000) = "
            f"{p25.p_at_least(400_000):.2f}"
        )

        fig, ax = plot.figure("double")
        plot.plot_fit(f, claims, per="month", ax=ax)
        plot.save_figure(fig, OUT / "recruitment_fit.png")
        fig, ax = plot.figure("double")
        plot.plot_cumulative(f, start=D(2023, 1, 1), targets=[target], ax=ax)
        plot.save_figure(fig, OUT / "recruitment_cumulative.png")
        print()
        print(f"figures: {OUT / 'recruitment_fit.png'}, {OUT / 'recruitment_cumulative.png'}")
    for w in caught:
        if issubclass(w.category, TrendsWarning):
            print(f"warning: {' '.join(str(w.message).split())}")
        else:
            print(f"warning ({w.category.__name__}): {w.message}")


if __name__ == "__main__":
    main()
