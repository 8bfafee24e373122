"""Reserve build-up and attrition to 2026-12-31 (trends.projection) with the assumptions
of data/assumptions.toml: baseline and every scenario, first with both flows fitted from
the seed claims (data/claims.csv), then with casualties fitted from the Ukrainian General
Staff's daily series instead (the seed casualty fit rests on two nested cumulative claims).

Usage::

    python analysis/reserve.py

Prints per scenario the reserve and cumulative attrition at 2025-12-31 and 2026-12-31
(median, 90% interval), P(reserve >= 200,000 / 500,000 on 2026-12-31), and the date
attrition crosses 500,000. Writes analysis/output/reserve_fan.png,
reserve_attrition_fan.png, reserve_scenarios.png and their *_series.png variants.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

from trends import plot
from trends.assumptions import read_assumptions  # noqa: E402
from trends.claims import read_claims
from trends.errors import TrendsWarning
from trends.model import fit
from trends.observe import read_series, series_to_claims
from trends.projection import project

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "analysis" / "output"
SERIES = ROOT / "data" / "ua-general-staff" / "russia_losses_personnel.json"
D = dt.date
UNTIL = D(2026, 12, 31)
DATES = (D(2025, 12, 31), UNTIL)
DRAWS = 10_000


def q(proj, var, d, scen) -> str:
    row = proj.quantiles(var, scen, dates=[d]).iloc[0]
    return f"{row.q50:>9,.0f} (90% {row.q05:,.0f} to {row.q95:,.0f})"


def report(proj, label: str) -> None:
    print(f"=== {label} ===")
    a = proj.assumptions
    for name in proj.scenarios:
        desc = "" if name == "baseline" else f" -- {a.scenarios[name].description}"
        print(f"[{name}]{desc}")
        for d in DATES:
            print(f"  {d}  reserve   {q(proj, 'reserve', d, name)}")
            print(f"  {d}  attrition {q(proj, 'attrition', d, name)}")
        p2 = proj.p_above("reserve", 200_000, UNTIL, name)
        p5 = proj.p_above("reserve", 500_000, UNTIL, name)
        print(f"  P(reserve >= 200,000 on {UNTIL}) = {p2:.2f}; P(reserve >= 500,000) = {p5:.2f}")
        print(f"  {proj.crossing_date('attrition', 500_000, name)}")
    print()


def figures(proj, suffix: str) -> list[str]:
    names = []
    for stem, draw in (
        ("reserve_fan", lambda ax: plot.plot_projection(proj, "reserve", ax=ax)),
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


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TrendsWarning)
        claims = read_claims(ROOT / "data" / "claims.csv")
        A = read_assumptions(ROOT / "data" / "assumptions.toml")
        print(f"Assumptions: data/assumptions.toml, projection from {A.start} to {UNTIL}")
        for name in (
            "killed_missing_captured_share",
            "wounded_return_share",
            "return_delay_days",
            "held_back_share",
            "starting_reserve",
        ):
            print(f"  {name}: {A.distribution(name).describe()}")
        print(
            "Flows: recruits from isw_ytd_2025, nato_monthly_2024 (repeats counted once);"
            " casualties from rutte_casualties_2024, csis_casualties_2025"
        )
        print()
        seed = project(claims, A, UNTIL, scenarios="all", draws=DRAWS, seed=0)
        report(seed, "A. recruits and casualties from the seed claims")
        for t in seed.targets:
            print(f"target {t['id']}: P(reach) = {t['p_reach']:.2f}")
        print()

        s, origin = read_series(SERIES)
        sc = series_to_claims(s, "casualties", origin=origin, id_prefix="uags")
        first = A.start - dt.timedelta(days=A.max_delay(seed.scenarios[1:]))
        f_cas = fit(sc, "casualties", start=first, until=UNTIL, rng=0)
        print(
            f"Series casualty fit: {len(sc)} daily claims {origin}..{s.index[-1]}"
            f" (the series ends there; the rest of 2026 is forecast)"
        )
        real = project(
            claims,
            A,
            UNTIL,
            scenarios="all",
            draws=DRAWS,
            seed=0,
            fits={"recruits": seed.fits["recruits"], "casualties": f_cas},
        )
        report(
            real, "B. recruits from the seed claims, casualties from the UA General Staff series"
        )

        files = figures(seed, "") + figures(real, "_series")
        print("figures in analysis/output/: " + ", ".join(files))
    seen = set()
    for w in caught:
        msg = " ".join(str(w.message).split())
        if msg not in seen:
            seen.add(msg)
            print(f"warning: {msg[:400]}")


if __name__ == "__main__":
    main()
