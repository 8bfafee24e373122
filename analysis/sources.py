"""What the sources disagree about: the claims side by side where they count the same
thing, or say they do.

Usage::

    python analysis/sources.py [--claims data/claims.csv]

Prints, from the independent claims (repeats counted once):

1. for each fitted quantity, the claims furthest from the fit of all the others' and
   their own evidence (standardised residuals, z), with who said it;
2. official "signed contracts" recruitment (``recruits``) against independent counts
   (``recruits_independent``) over the same calendar year, from their fits;
3. the share of casualties killed, where one source gives both on one date;
4. named-death counts (``killed_named``, lower bounds) against estimates of all deaths
   (``killed``) near the same date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import warnings
from pathlib import Path

from trends.claims import independent, read_claims
from trends.errors import TrendsWarning
from trends.model import fit

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=Path, default=ROOT / "data" / "claims.csv")
    args = ap.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrendsWarning)
        claims = read_claims(args.claims)
        ind = independent(claims)
        by_id = {c.id: c for c in ind}
        quantities = ("recruits", "recruits_independent", "casualties", "killed")
        fits = {}
        print("1. Claims furthest from the fit (|z| >= 1), per quantity")
        for q in quantities:
            rows = [c for c in ind if c.quantity == q and c.kind in ("rate", "total")]
            if len(rows) < 2:
                continue
            f = fit(claims, q, start=D(2022, 2, 24), until=D(2026, 12, 31), rng=0)
            fits[q] = f
            res = f.largest_residuals()
            far = res[res["z"].abs() >= 1.0]
            print(f"  {q}: {len(rows)} claims, {len(far)} with |z| >= 1")
            for _, r in far.iterrows():
                c = by_id.get(r["id"])
                who = c.attributed_to if c is not None else ""
                print(
                    f"    {r['id']:<38} claimed {r['claimed']:>11,.0f}  fitted "
                    f"{r['fitted']:>11,.0f}  z = {r['z']:+.2f}  ({who})"
                )
        print()
        if "recruits" in fits and "recruits_independent" in fits:
            print("2. Official signed contracts vs independent counts (medians of the fits)")
            for y in (2023, 2024, 2025):
                a = fits["recruits"].total(D(y, 1, 1), D(y, 12, 31)).quantiles
                b = fits["recruits_independent"].total(D(y, 1, 1), D(y, 12, 31)).quantiles
                print(
                    f"  {y}: official {a[0.5]:,.0f} (90% {a[0.05]:,.0f} to {a[0.95]:,.0f}); "
                    f"independent {b[0.5]:,.0f} (90% {b[0.05]:,.0f} to {b[0.95]:,.0f}); "
                    f"official / independent {a[0.5] / b[0.5]:.2f}"
                )
            print()
        print("3. Share of casualties killed, where one source gives both for one date")
        cas = [c for c in ind if c.quantity == "casualties" and c.kind == "total"]
        for k in (c for c in ind if c.quantity == "killed" and c.kind == "total"):
            for c in cas:
                same_window = k.window == c.window or (
                    k.window[0] == c.window[0] and abs((k.window[1] - c.window[1]).days) <= 10
                )
                who_k, who_c = k.attributed_to.split()[:1], c.attributed_to.split()[:1]
                if same_window and who_k and who_k == who_c:
                    print(
                        f"  {k.id} / {c.id}: {k.value:,.0f} / {c.value:,.0f} = "
                        f"{k.value / c.value:.2f}  ({k.attributed_to})"
                    )
        print()
        print("4. Deaths: named counts (lower bounds) vs estimates of all deaths")
        killed = sorted(
            (c for c in ind if c.quantity in ("killed", "killed_named") and c.kind == "total"),
            key=lambda c: c.window[1],
        )
        for c in killed:
            named = c.quantity == "killed_named" or "LOWER BOUND" in c.notes
            kind = "named (lower bound)" if named else "estimate"
            print(f"  {c.window[1]}  {c.value:>9,.0f}  {kind:<20} {c.id}  ({c.attributed_to})")


if __name__ == "__main__":
    main()
