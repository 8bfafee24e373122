"""Russian recruitment from the claims: totals per year 2023-2026 for each definition,
the monthly rate, and the Kremlin's 2023 target of 400,000 judged from 2023 figures.

Usage::

    python analysis/recruitment.py

Two definitions are kept apart (data/quantities.toml): ``recruits`` (official and MoD
"signed contracts" figures, including volunteer formations: the definition most
published figures use) and ``recruits_independent`` (independent counts, e.g. from
regional sign-on bonus payments). For each, prints the claims fitted, totals per
calendar year (median, 90% interval) and the monthly rate. The 2023 target is judged
twice: from the claims published by 2024-01-31 (the statements through 2023, not a
back-cast of later years) and from every claim. Writes
``analysis/output/recruitment_fit.png`` and ``analysis/output/recruitment_cumulative.png``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import warnings
from pathlib import Path

from trends import plot
from trends.claims import as_of, independent, read_claims
from trends.errors import TrendsWarning
from trends.model import fit
from trends.projection import target_attainment
from trends.quantities import describe

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "analysis" / "output"
D = dt.date
YEARS = (2023, 2024, 2025, 2026)
AS_OF_2023 = D(2024, 1, 31)  # year-end statements about 2023 are out by then
QUANTITIES = ("recruits", "recruits_independent")


def iv(est) -> str:
    q = est.quantiles
    return f"{q[0.5]:>9,.0f}  (90% {q[0.05]:,.0f} to {q[0.95]:,.0f})"


def used(claims, quantity, date=None) -> list:
    public = as_of(claims, date)
    return [
        c for c in independent(public) if c.quantity == quantity and c.kind in ("rate", "total")
    ]


def definition(quantity: str) -> str:
    try:
        return describe(quantity).definition or "(no definition in data/quantities.toml)"
    except Exception:  # noqa: BLE001 - a quantity missing from the vocabulary
        return "(not in data/quantities.toml)"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=Path, default=ROOT / "data" / "claims.csv")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TrendsWarning)
        claims = read_claims(args.claims)
        fits = {}
        for q in QUANTITIES:
            rows = used(claims, q)
            if not rows:
                print(f"{q}: no rate or total claims in data/claims.csv")
                print()
                continue
            print(f"=== {q}: {definition(q)}")
            print(f"  {len(rows)} independent claims: " + ", ".join(c.id for c in rows))
            repeats = sorted(c.id for c in claims if c.quantity == q and c.derived_from)
            print(f"  repeats counted once: {len(repeats)}")
            f = fit(claims, q, start=D(2023, 1, 1), until=D(2026, 12, 31), rng=0)
            fits[q] = f
            print("  totals by calendar year (median, 90% interval):")
            for y in YEARS:
                within = [c.id for c in rows if c.window[0].year <= y <= c.window[1].year]
                print(
                    f"    {y}: {iv(f.total(D(y, 1, 1), D(y, 12, 31)))}   claims over {y}: "
                    f"{len(within)}"
                )
            print("  monthly rate (median, 90%):")
            for d in (D(2023, 7, 1), D(2024, 7, 1), D(2025, 7, 1), D(2026, 7, 1)):
                r = f.rate([d], per="month").iloc[0]
                print(f"    {d}: {r.q50:,.0f}  (90% {r.q05:,.0f} to {r.q95:,.0f})")
            last = max(c.window[1] for c in rows)
            print(f"  last claim ends {last}; later rates are forecasts")
            worst = f.largest_residuals(5)
            print("  largest residuals (z):")
            for _, r in worst.iterrows():
                print(
                    f"    {r['id']}: claimed {r['claimed']:,.0f}, fitted {r['fitted']:,.0f}, "
                    f"z = {r['z']:+.2f}"
                )
            print()

        targets = [
            c for c in independent(claims) if c.kind == "target" and c.quantity == "recruits"
        ]
        t23 = next((c for c in targets if c.window == (D(2023, 1, 1), D(2023, 12, 31))), None)
        if t23 is not None and "recruits" in fits:
            print(f"=== the 2023 target ({t23.id}: {t23.value:,.0f}, '{t23.quote}')")
            early = used(claims, "recruits", AS_OF_2023)
            in23 = [c for c in early if c.window[0].year <= 2023 <= c.window[1].year]
            print(
                f"  claims published by {AS_OF_2023} covering 2023: "
                + (", ".join(c.id for c in in23) or "none")
            )
            if in23:
                f23 = fit(
                    claims,
                    "recruits",
                    as_of_date=AS_OF_2023,
                    start=D(2023, 1, 1),
                    until=D(2023, 12, 31),
                    rng=0,
                )
                t = target_attainment(f23, t23)
                print(
                    f"  from 2023 figures: 2023 total {t['q50']:,.0f} (90% {t['q05']:,.0f} to "
                    f"{t['q95']:,.0f}); P(total >= {t23.value:,.0f}) = {t['p_reach']:.2f}"
                )
            else:
                print("  no 2023 figure: the 2023 total below is a back-cast of later years")
            t = target_attainment(fits["recruits"], t23)
            print(
                f"  from every claim:  2023 total {t['q50']:,.0f} (90% {t['q05']:,.0f} to "
                f"{t['q95']:,.0f}); P(total >= {t23.value:,.0f}) = {t['p_reach']:.2f}"
            )
            for t in targets:
                if t is t23:
                    continue
                a = target_attainment(fits["recruits"], t)
                print(
                    f"  {t.id} ({t.value:,.0f} over {t.window[0]}..{t.window[1]}): total "
                    f"{a['q50']:,.0f} (90% {a['q05']:,.0f} to {a['q95']:,.0f}); "
                    f"P(reached) = {a['p_reach']:.2f}"
                )
        if "recruits" in fits and "recruits_independent" in fits:
            print()
            print("=== official vs independent (ratio of the yearly medians)")
            for y in YEARS[:3]:
                a = fits["recruits"].total(D(y, 1, 1), D(y, 12, 31)).quantiles[0.5]
                b = fits["recruits_independent"].total(D(y, 1, 1), D(y, 12, 31)).quantiles[0.5]
                print(f"  {y}: official {a:,.0f}, independent {b:,.0f}, ratio {a / b:.2f}")

        if "recruits" in fits:
            f = fits["recruits"]
            fig, ax = plot.figure("double")
            plot.plot_fit(f, claims, per="month", ax=ax)
            plot.save_figure(fig, OUT / "recruitment_fit.png")
            fig, ax = plot.figure("double")
            plot.plot_cumulative(f, start=D(2023, 1, 1), targets=targets, ax=ax)
            plot.save_figure(fig, OUT / "recruitment_cumulative.png")
            print()
            print(f"figures: {OUT / 'recruitment_fit.png'}, {OUT / 'recruitment_cumulative.png'}")
    seen = set()
    for w in caught:
        msg = " ".join(str(w.message).split())
        if msg not in seen:
            seen.add(msg)
            print(f"warning: {msg[:300]}")


if __name__ == "__main__":
    main()
