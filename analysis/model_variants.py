"""Measure model variants on the backtest corpus (issue "Estimation v2").

Runs :func:`trends.backtest.backtest` on the 20 corpus series with the baselines and
with ``trends`` under several :class:`trends.model.RateModel` settings, and prints, for
each variant and target: the mean pinball / truth, its ratio to the best baseline's, the
series on which the variant is no worse than the best baseline, the 50% and 90%
coverage and the share of catastrophic misses (pinball / truth > 0.5). The baselines
run once (``--baselines``); variants are separate runs so they can share the machine.

Usage::

    python analysis/model_variants.py --baselines -o analysis/output/variants
    python analysis/model_variants.py --variant default -o analysis/output/variants
    python analysis/model_variants.py --report analysis/output/variants
    python analysis/model_variants.py --reference   # what perfect recent counts score

``--reference`` scores a forecaster no method can be: it knows the *exact* count of the
window of the same length just before each target window (for a nowcast, the mean of
the windows just before and just after it), and gives Poisson quantiles around it.
Nothing a report says is that good; its catastrophic misses are a floor for any method
that reads the recent past, set by how much counts change from one window to the next.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import trends.backtest as bt  # noqa: E402
from trends.model import RateModel  # noqa: E402

CORPUS = ROOT / "data" / "backtest_corpus.toml"

#: Variant name -> RateModel settings.
VARIANTS: dict[str, dict] = {
    "default": {},
    "nojumps": {"jumps": False},
    "nosat": {"saturation": None},
    "sat10": {"saturation": 1.0},
    "sat05": {"saturation": 0.5},
    "precision": {"precision": True},
    "spread": {"jump_spread": 1.0},
    "spread25": {"jump_spread": 0.25},
    "spread_precision": {"jump_spread": 1.0, "precision": True},
    "v1like": {"jumps": False, "saturation": None, "sources": False},
    "nofuture": {"future_jumps": False},
    "nocounts": {"counts": False},
    "nomix": {"no_jump_mix": False},
    "nooverdisp": {"overdispersion": False},
    "v2": {"future_jumps": False, "counts": False, "no_jump_mix": False},
}


def install(name: str) -> str:
    """Make ``trends`` run the variant ``name`` in this process; return the method name."""
    settings = VARIANTS[name]
    original = bt._method

    def method(m: str):
        if m == "trends":
            return bt._trends(RateModel(**settings))
        return original(m)

    bt._method = method
    return "trends"


def run(methods, every: int, seed: int, corpus: Path = CORPUS) -> pd.DataFrame:
    series = bt.read_corpus(corpus)
    return bt.backtest(series, every=every, seed=seed, methods=methods, jobs=1)


def report(folder: Path) -> str:
    """Markdown tables: each variant against the best baseline, per target."""
    base = pd.read_csv(folder / "baselines.csv")
    lines = [
        "| variant | target | n | pinball/truth | best baseline | ratio | series no worse "
        "| 50% cover | 90% cover | >0.5 | >0.5 naive |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path in sorted(folder.glob("trends_*.csv")):
        name = path.stem.removeprefix("trends_")
        rows = pd.read_csv(path)
        for target in bt.TARGETS:
            t = rows[rows["target"] == target]
            b = base[base["target"] == target]
            if t.empty:
                continue
            per_method = b.groupby("method")["pinball"].mean()
            best = per_method.idxmin()
            ours = float(t["pinball"].mean())
            # per series: no worse than that series' best baseline (mean over dates)
            ps = t.groupby("series")["pinball"].mean()
            pb = b.groupby(["series", "method"])["pinball"].mean().groupby("series").min()
            ok = int((ps <= pb.reindex(ps.index) + 1e-12).sum())
            naive = b[b["method"] == "naive"]
            lines.append(
                f"| {name} | {target} | {len(t)} | {ours:.4f} | {best} {per_method[best]:.4f} "
                f"| {ours / per_method[best]:.2f} | {ok} of {len(ps)} "
                f"| {t['cover50'].mean():.3f} | {t['cover90'].mean():.3f} "
                f"| {(t['pinball'] > bt.CATASTROPHIC).mean():.3f} "
                f"| {(naive['pinball'] > bt.CATASTROPHIC).mean():.3f} |"
            )
    return "\n".join(lines)


def reference_rows(series_list, every: int, seed: int) -> pd.DataFrame:
    """Scores of the exact-recent-count forecaster (module docstring) on every case."""
    from scipy.stats import poisson

    rows = []
    for series in series_list:
        for as_of in bt.as_of_dates(series, every):
            reports, windows = bt.case_reports(series, as_of, seed)
            if not reports:
                continue
            for target, (s, e) in windows.items():
                n = (e - s).days + 1
                before = (s - dt.timedelta(days=n), s - dt.timedelta(days=1))
                after = (e + dt.timedelta(days=1), e + dt.timedelta(days=n))
                parts = [w for w in (before, after) if target == "nowcast" or w is before]
                parts = [w for w in parts if w[0] >= series.origin and w[1] <= series.end]
                if not parts:
                    continue
                lam = sum(series.total(*w) for w in parts) / len(parts)
                q = {a: float(poisson.ppf(a, lam)) if lam > 0 else 0.0 for a in bt.QUANTILE_LEVELS}
                truth = series.total(s, e)
                in50, in90 = bt.interval_hits(q, truth)
                rows.append(
                    {
                        "series": series.name,
                        "target": target,
                        "as_of": as_of.isoformat(),
                        "pinball": bt.relative_pinball(q, truth),
                        "cover50": int(in50),
                        "cover90": int(in90),
                    }
                )
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--variant", choices=sorted(VARIANTS))
    p.add_argument("--baselines", action="store_true")
    p.add_argument("--report", type=Path)
    p.add_argument("--reference", action="store_true", help="score the exact-recent forecaster")
    p.add_argument("--every", type=int, default=2)
    p.add_argument("--seed", type=int, default=20240901)
    p.add_argument("--corpus", type=Path, default=CORPUS)
    p.add_argument("-o", "--output", type=Path, default=ROOT / "analysis" / "output" / "variants")
    args = p.parse_args(argv)
    if args.report:
        print(report(args.report))
        return 0
    if args.reference:
        ref = reference_rows(bt.read_corpus(args.corpus), args.every, args.seed)
        ref["catastrophic"] = ref["pinball"] > bt.CATASTROPHIC
        table = ref.groupby("target")[["pinball", "cover50", "cover90", "catastrophic"]].mean()
        table.insert(0, "n", ref.groupby("target").size())
        print("exact recent count, Poisson quantiles (no method can know this):")
        print(table.round(3).to_string())
        return 0
    args.output.mkdir(parents=True, exist_ok=True)
    if args.baselines:
        rows = run(bt.BASELINES, args.every, args.seed, args.corpus)
        rows.to_csv(args.output / "baselines.csv", index=False)
    if args.variant:
        install(args.variant)
        rows = run(("trends",), args.every, args.seed, args.corpus)
        rows.to_csv(args.output / f"trends_{args.variant}.csv", index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
