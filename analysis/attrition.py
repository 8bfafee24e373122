"""Russian casualties (killed and wounded) and deaths per year and per day, from the
claims, cross-checked against the Ukrainian General Staff's daily cumulative series
(data/ua-general-staff/russia_losses_personnel.json).

Usage::

    python analysis/attrition.py [--claims data/claims.csv]

Prints, for ``casualties`` (killed + wounded, the Western governments' and the General
Staff's sense) and ``killed`` (dead only), the claims fitted, totals per calendar year
2023-2025 and the mean per day (median, 90% interval), and the same from the series;
then each casualty claim against the series over its own window. Writes
``analysis/output/attrition_rates.png``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import warnings
from pathlib import Path

from trends import plot
from trends.claims import independent, read_claims
from trends.errors import TrendsWarning
from trends.model import fit
from trends.observe import read_series, series_to_claims

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "analysis" / "output"
SERIES = ROOT / "data" / "ua-general-staff" / "russia_losses_personnel.json"
D = dt.date
YEARS = (2023, 2024, 2025)


def fmt(est, per: float = 1.0) -> str:
    q = est.quantiles
    return f"{q[0.5] / per:>9,.0f} (90% {q[0.05] / per:,.0f} to {q[0.95] / per:,.0f})"


def truth(s, a, b) -> float | None:
    """Series total over a..b: cumulative at b minus cumulative the day before a (the
    series counts from the invasion, so a window from its first day takes the level)."""
    if b > s.index[-1] or b < s.index[0]:
        return None
    before = s[s.index < a]
    upto = s[s.index <= b]
    return float(upto.iloc[-1] - (before.iloc[-1] if len(before) else 0))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=Path, default=ROOT / "data" / "claims.csv")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TrendsWarning)
        claims = read_claims(args.claims)
        s, origin = read_series(SERIES)
        s.index = s.index.date  # read_series gives a DatetimeIndex; compare days
        s = s[s.index <= D(2025, 12, 31)]  # the checks end with 2025
        sc = series_to_claims(s, "casualties", origin=origin, id_prefix="uags")
        print(
            f"Series: {SERIES.relative_to(ROOT)} (Ukrainian General Staff), "
            f"{len(sc)} daily claims {origin}..{s.index[-1]} (ids uags*)"
        )
        f_ser = fit(sc, "casualties", start=D(2022, 2, 24), until=D(2025, 12, 31), rng=0)
        fits = {}
        for q in ("casualties", "killed"):
            rows = [
                c for c in independent(claims) if c.quantity == q and c.kind in ("rate", "total")
            ]
            if not rows:
                print(f"{q}: no rate or total claims")
                continue
            print()
            print(f"=== {q}: {len(rows)} independent claims: " + ", ".join(c.id for c in rows))
            f = fit(claims, q, start=D(2022, 2, 24), until=D(2025, 12, 31), rng=0)
            fits[q] = f
            print("  per calendar year: total; mean per day (median, 90% interval)")
            for y in YEARS:
                a, b = D(y, 1, 1), D(y, 12, 31)
                days = (b - a).days + 1
                est = f.total(a, b)
                line = f"    {y}: {fmt(est)};  per day {fmt(est, days)}"
                if q == "casualties":
                    t = truth(s, a, b)
                    if t is not None:
                        line += f";  series {t:,.0f} ({t / days:,.0f}/day)"
                print(line)
            worst = f.largest_residuals(6)
            print("  largest residuals (z):")
            for _, r in worst.iterrows():
                print(
                    f"    {r['id']}: claimed {r['claimed']:,.0f}, fitted {r['fitted']:,.0f}, "
                    f"z = {r['z']:+.2f}"
                )
        print()
        print("=== the series per calendar year (fit of the daily series)")
        for y in YEARS:
            a, b = D(y, 1, 1), D(y, 12, 31)
            print(f"    {y}: {fmt(f_ser.total(a, b))};  per day {fmt(f_ser.total(a, b), 365)}")
        print()
        print("=== casualty claims against the series over their own windows")
        for c in independent(claims):
            if c.quantity != "casualties" or c.kind not in ("total", "rate"):
                continue
            a, b = c.window
            t = truth(s, a, b)
            if t is None:
                continue
            val = c.value * c.days if c.kind == "rate" and c.per == "day" else c.value
            if c.kind == "rate" and c.per != "day":
                continue
            print(
                f"  {c.id:<34} {a}..{b}: claim {val:>11,.0f}  series {t:>11,.0f}  "
                f"claim / series {val / t:.2f}  ({c.attributed_to})"
            )
        if "killed" in fits and "casualties" in fits:
            print()
            print("=== killed as a share of casualties (ratio of medians)")
            for y in YEARS:
                k = fits["killed"].total(D(y, 1, 1), D(y, 12, 31)).quantiles[0.5]
                c = fits["casualties"].total(D(y, 1, 1), D(y, 12, 31)).quantiles[0.5]
                print(f"    {y}: killed {k:,.0f} / casualties {c:,.0f} = {k / c:.2f}")

        fig, axes = plot.figure("double", 5.0)
        fig.clf()
        ax1, ax2 = fig.subplots(2, 1, sharex=True)
        if "casualties" in fits:
            plot.plot_fit(fits["casualties"], claims, per="month", ax=ax1)
        ax1.set_title("Casualty claims (killed and wounded)", fontsize=8)
        plot.plot_fit(f_ser, None, per="month", ax=ax2)
        ax2.set_title("Ukrainian General Staff daily series", fontsize=8)
        for ax in (ax1, ax2):
            ax.set_xlim(D(2022, 2, 24), D(2026, 1, 1))
        plot.save_figure(fig, OUT / "attrition_rates.png")
        print()
        print(f"figure: {OUT / 'attrition_rates.png'}")
    seen = set()
    for w in caught:
        msg = " ".join(str(w.message).split())
        if msg not in seen:
            seen.add(msg)
            print(f"warning: {msg[:300]}")


if __name__ == "__main__":
    main()
