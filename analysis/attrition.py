"""Russian casualties (killed + wounded + missing + captured): the seed claims' totals
(rutte_casualties_2024, csis_casualties_2025) cross-checked against the Ukrainian General
Staff's daily cumulative series (data/ua-general-staff/russia_losses_personnel.json).

Usage::

    python analysis/attrition.py

Prints the three fits' totals and rates with 90% intervals, whether the seed-based
intervals contain the series' values, and an as-of check (the series only up to
2025-06-03, forecasting the rest of 2025). Writes ``analysis/output/attrition_rates.png``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

from trends import plot
from trends.claims import read_claims
from trends.errors import TrendsWarning
from trends.model import fit
from trends.observe import read_series, series_to_claims

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "analysis" / "output"
SERIES = ROOT / "data" / "ua-general-staff" / "russia_losses_personnel.json"
D = dt.date
AS_OF = D(2025, 6, 3)  # end of csis_casualties_2025
WINDOWS = [
    ("2024-10-29..2025-06-03 (between the seed claims)", D(2024, 10, 29), D(2025, 6, 3)),
    ("2025 (calendar year)", D(2025, 1, 1), D(2025, 12, 31)),
    ("2025-06-04..2025-12-31 (after the as-of date)", D(2025, 6, 4), D(2025, 12, 31)),
]
MID = D(2025, 7, 1)


def fmt(est) -> str:
    q = est.quantiles
    return f"{q[0.5]:>9,.0f} (90% {q[0.05]:,.0f} to {q[0.95]:,.0f})"


def truth(s, a, b) -> float:
    """Series total over a..b: cumulative at b minus cumulative the day before a."""
    before = s[s.index < a]
    upto = s[s.index <= b]
    return float(upto.iloc[-1] - (before.iloc[-1] if len(before) else 0))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TrendsWarning)
        claims = read_claims(ROOT / "data" / "claims.csv")
        seed_ids = [c.id for c in claims if c.quantity == "casualties"]
        print("Casualties: seed claims " + ", ".join(seed_ids) + " (data/claims.csv)")
        f_seed = fit(claims, "casualties", until=D(2026, 12, 31), rng=0)

        s, origin = read_series(SERIES)
        s = s[s.index <= D(2025, 12, 31)]  # keep the fit quick: the checks end with 2025
        sc = series_to_claims(s, "casualties", origin=origin, id_prefix="uags")
        print(
            f"Series: {SERIES.relative_to(ROOT)} (Ukrainian General Staff), "
            f"{len(sc)} daily claims {origin}..{s.index[-1]} (ids uags*)"
        )
        f_ser = fit(sc, "casualties", until=D(2025, 12, 31), rng=0)
        sc_asof = [c for c in sc if c.window[1] <= AS_OF]
        f_asof = fit(sc_asof, "casualties", until=D(2025, 12, 31), rng=0)
        print(f"As-of fit: the series' claims ending by {AS_OF} only ({len(sc_asof)} claims)")
        print()

        for label, a, b in WINDOWS:
            t = truth(s, a, b)
            es, er, ea = f_seed.total(a, b), f_ser.total(a, b), f_asof.total(a, b)
            inside = es.quantiles[0.05] <= t <= es.quantiles[0.95]
            print(f"Total {label}:")
            print(
                f"  seed fit     {fmt(es)}  -> series value {'inside' if inside else 'OUTSIDE'}"
                " the seed interval"
            )
            print(f"  series fit   {fmt(er)}")
            print(
                f"  as-of fit    {fmt(ea)}  (90% contains truth: "
                f"{ea.quantiles[0.05] <= t <= ea.quantiles[0.95]}; P(total >= truth) = "
                f"{ea.p_at_least(t):.2f})"
            )
            print(f"  series truth {t:>9,.0f}")
        print()
        print(f"Daily rate in mid-2025 ({MID}):")
        r = {
            n: f.rate([MID]).iloc[0]
            for n, f in (("seed fit", f_seed), ("series fit", f_ser), ("as-of fit", f_asof))
        }
        for n, row in r.items():
            print(f"  {n:<11} {row.q50:>7,.0f}/day (90% {row.q05:,.0f} to {row.q95:,.0f})")
        jun = truth(s, D(2025, 6, 17), D(2025, 7, 15)) / 29
        inside = r["seed fit"].q05 <= jun <= r["seed fit"].q95
        print(
            f"  series truth {jun:>6,.0f}/day (mean 2025-06-17..2025-07-15) -> "
            f"{'inside' if inside else 'OUTSIDE'} the seed interval"
        )
        print()
        print("Seed claims' residuals under the seed fit:")
        print(f_seed.residuals()[["id", "start", "end", "claimed", "fitted", "z"]].to_string())
        print("Seed claims' totals under the series fit (the series as judge):")
        for c in claims:
            if c.quantity == "casualties":
                a, b = c.window
                print(
                    f"  {c.id}: claimed {c.value:,.0f}; series fit {fmt(f_ser.total(a, b))};"
                    f" series truth {truth(s, a, b):,.0f}"
                )

        fig, axes = plot.figure("double", 5.0)
        fig.clf()
        ax1, ax2 = fig.subplots(2, 1, sharex=True)
        plot.plot_fit(f_seed, claims, per="month", ax=ax1)
        ax1.set_title("Seed claims (rutte_casualties_2024, csis_casualties_2025)", fontsize=8)
        plot.plot_fit(f_ser, None, per="month", ax=ax2)
        ax2.set_title("Ukrainian General Staff daily series", fontsize=8)
        lo = D(2022, 2, 24)
        for ax in (ax1, ax2):
            ax.set_xlim(lo, D(2026, 1, 1))
        plot.save_figure(fig, OUT / "attrition_rates.png")
        print()
        print(f"figure: {OUT / 'attrition_rates.png'}")
    seen = set()
    for w in caught:
        msg = " ".join(str(w.message).split())
        if msg in seen:
            continue
        seen.add(msg)
        print(f"warning: {msg}")


if __name__ == "__main__":
    main()
