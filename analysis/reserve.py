"""Reserve, front and attrition to 2027-12-31 (trends.projection) with the assumptions
of data/assumptions.toml: baseline and every scenario, first with both flows fitted from
the claims (data/claims.csv), then with casualties fitted from the Ukrainian General
Staff's daily series instead; and which assumptions drive the width of each number
(trends.sensitivity).

Usage::

    python analysis/reserve.py [--claims data/claims.csv] [--draws 10000]

Prints per scenario the operational and strategic reserve, the front's strength change
and deficit, and cumulative attrition at the end of 2025, 2026 and 2027 (median, 90%
interval); P(reserve exhausted by each of those dates) and P(front short on them); when
the reserve peaks; and the
first-order sensitivity of the stocks on 2027-12-31. Writes to analysis/output/:
reserve_fan.png, reserve_deficit_fan.png, reserve_attrition_fan.png,
reserve_scenarios.png, sensitivity.png, their *_series.png variants,
sensitivity_2025_series.png (the stocks on 2025-12-31) and the sensitivity tables as CSV.
"""

from __future__ import annotations

import argparse
import datetime as dt
import warnings
from pathlib import Path

from trends import plot
from trends.assumptions import ASSUMPTIONS, read_assumptions
from trends.claims import independent, read_claims
from trends.errors import TrendsWarning
from trends.model import fit
from trends.observe import read_series, series_to_claims
from trends.projection import project
from trends.sensitivity import sensitivity

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "analysis" / "output"
SERIES = ROOT / "data" / "ua-general-staff" / "russia_losses_personnel.json"
D = dt.date
UNTIL = D(2027, 12, 31)
DATES = (D(2025, 12, 31), D(2026, 12, 31), UNTIL)
STOCKS = ("reserve", "strategic_reserve", "front", "deficit", "attrition")


def q(proj, var, d, scen) -> str:
    row = proj.quantiles(var, scen, dates=[d]).iloc[0]
    return f"{row.q50:>10,.0f} (90% {row.q05:,.0f} to {row.q95:,.0f})"


def report(proj, label: str) -> None:
    print(f"=== {label} ===")
    a = proj.assumptions
    for name in proj.scenarios:
        desc = "" if name == "baseline" else f" -- {a.scenarios[name].description}"
        print(f"[{name}]{desc}")
        for d in DATES:
            for v in STOCKS:
                print(f"  {d}  {v:<18} {q(proj, v, d, name)}")
        ps = ", ".join(f"{d}: {proj.p_exhausted(d, name):.2f}" for d in DATES)
        print(f"  P(reserve exhausted by) {ps}")
        ps = ", ".join(f"{d}: {proj.p_above('deficit', 1.0, d, name):.2f}" for d in DATES)
        print(f"  P(front short, deficit >= 1, on) {ps}")
        pk = proj.reserve_peak(name)
        print(
            f"  reserve peaks on {pk.dates[0.5]} (median; 90% {pk.dates[0.05]} to "
            f"{pk.dates[0.95]}) at {pk.levels[0.5]:,.0f} (90% {pk.levels[0.05]:,.0f} to "
            f"{pk.levels[0.95]:,.0f}); {pk.p_at_horizon:.0%} of paths still rising on "
            f"{UNTIL}; {pk.p_at_start:.0%} never above the starting reserve"
        )
    print()


def sens(proj, suffix: str) -> None:
    t = sensitivity(proj)
    t.to_csv(OUT / f"sensitivity{suffix}.csv", index=False)
    wide = t.pivot_table(index="input", columns="variable", values="index", sort=False)
    print(
        f"first-order indices (ranks) of the stocks on {proj.until}, baseline, "
        f"{proj.draws:,} draws:"
    )
    print(wide.round(2).to_string())
    print()
    fig, ax = plot.figure("double", 3.6)
    plot.plot_sensitivity(t, ax=ax)
    plot.save_figure(fig, OUT / f"sensitivity{suffix}.png")


def figures(proj, suffix: str) -> list[str]:
    names = []
    for stem, draw in (
        ("reserve_fan", lambda ax: plot.plot_projection(proj, "reserve", ax=ax)),
        ("reserve_deficit_fan", lambda ax: plot.plot_projection(proj, "deficit", ax=ax)),
        (
            "reserve_attrition_fan",
            lambda ax: plot.plot_projection(
                proj, "attrition", scenarios=["baseline", "losses_rise"], ax=ax
            ),
        ),
        ("reserve_scenarios", lambda ax: plot.plot_scenarios(proj, "reserve", UNTIL, ax=ax)),
    ):
        fig, ax = plot.figure("double")
        draw(ax)
        path = OUT / f"{stem}{suffix}.png"
        plot.save_figure(fig, path)
        names.append(path.name)
    return names


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=Path, default=ROOT / "data" / "claims.csv")
    ap.add_argument("--draws", type=int, default=10_000)
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TrendsWarning)
        claims = read_claims(args.claims)
        A = read_assumptions(ROOT / "data" / "assumptions.toml")
        print(f"Assumptions: data/assumptions.toml, projection from {A.start} to {UNTIL}")
        for name in ASSUMPTIONS:
            print(f"  {name}: {A.distribution(name).describe()}")
        for role in ("recruits", "casualties"):
            qn = A.quantity(role)
            ids = [
                c.id
                for c in independent(claims)
                if c.quantity == qn and c.kind in ("rate", "total")
            ]
            print(f"{role} = quantity '{qn}': {len(ids)} independent claims: {', '.join(ids)}")
        print()
        seed = project(claims, A, UNTIL, scenarios="all", draws=args.draws, seed=0)
        report(seed, "A. recruits and casualties from the claims")
        sens(seed, "")
        for t in seed.targets:
            print(f"target {t['id']}: P(reach) = {t['p_reach']:.2f}")
        print()

        s, origin = read_series(SERIES)
        s.index = s.index.date  # read_series gives a DatetimeIndex; compare days
        sc = series_to_claims(s, "casualties", origin=origin, id_prefix="uags")
        first = A.start - dt.timedelta(days=A.max_delay(seed.scenarios[1:]))
        f_cas = fit(sc, "casualties", start=first, until=UNTIL, rng=0)
        print(
            f"Series casualty fit: {len(sc)} daily claims {origin}..{s.index[-1]}"
            f" (the series ends there; the rest to {UNTIL} is forecast)"
        )
        real = project(
            claims,
            A,
            UNTIL,
            scenarios="all",
            draws=args.draws,
            seed=0,
            fits={"recruits": seed.fits["recruits"], "casualties": f_cas},
        )
        report(real, "B. recruits from the claims, casualties from the UA General Staff series")
        sens(real, "_series")
        # the same to the end of 2025, where both flows are known from claims: what is
        # left is the assumptions' share
        near = project(claims, A, DATES[0], draws=args.draws, seed=0, fits=real.fits)
        sens(near, "_2025_series")

        files = figures(seed, "") + figures(real, "_series")
        files += ["sensitivity.png", "sensitivity_series.png", "sensitivity_2025_series.png"]
        print("figures in analysis/output/: " + ", ".join(files))
    seen = set()
    for w in caught:
        msg = " ".join(str(w.message).split())
        if msg not in seen:
            seen.add(msg)
            print(f"warning: {msg[:300]}")


if __name__ == "__main__":
    main()
