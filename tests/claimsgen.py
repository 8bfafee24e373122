"""A realistic claims file of many sources, made from a known truth (for the figure gallery).

:func:`forty_sources` writes 132 claims from 40 outlets about five quantities, as a
news archive holds them: rates per day, week, month and year, year-to-date and since-the-
invasion totals, targets, repeats of earlier figures (``derived_from``) by digests, long
outlet names ("South China Morning Post (Bloomberg)"), outlets known only by where the
text also appeared ("unknown (text also at dailywrap.ca)"), empty and bare "unknown"
attributions. Every figure is the truth over its window, rounded to two or three
significant digits as news rounds, with a hedge word on the side the rounding went: the
file is consistent, so a fit of it gives no data warning (a test of the figures, not of
the conflict checks).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np

COLUMNS = ("id,quantity,kind,value,per,start,end,qualifier,low,high,published,source,"
           "attributed_to,derived_from,document,quote,notes").split(",")  # fmt: skip

#: 40 outlets; the first ones print most of the figures (as in a real archive).
SOURCES = (
    "Reuters",
    "South China Morning Post (Bloomberg)",
    "unknown (text also at dailywrap.ca)",
    "The Economist",
    "Global Newz Live",
    "kghosh.substack.com digest 20251012d",
    "Associated Press",
    "BBC News",
    "The Guardian",
    "Kyiv Independent",
    "Meduza",
    "Mediazona",
    "Financial Times",
    "The New York Times",
    "Le Monde",
    "Der Spiegel",
    "Frankfurter Allgemeine Zeitung",
    "Politico Europe",
    "Euronews",
    "Al Jazeera English",
    "Deutsche Welle",
    "Radio Free Europe/Radio Liberty",
    "The Moscow Times",
    "Novaya Gazeta Europe",
    "Ukrainska Pravda",
    "Bloomberg",
    "The Wall Street Journal",
    "Washington Post",
    "CNN",
    "Sky News",
    "unknown (Express-style)",
    "Daily Telegraph",
    "The Times",
    "Yle",
    "NRK",
    "Gazeta Wyborcza",
    "ERR News",
    "LRT English",
    "Jamestown Foundation Eurasia Daily Monitor",
    "War on the Rocks",
)

#: Who the outlets credit; "" and "unknown" fall back to the outlet in the figures.
ATTRIBUTIONS = {
    "recruits": ("ISW", "Dmitry Medvedev", "UK Ministry of Defence", "",
                 "people familiar with the planning (Bloomberg)", "unknown"),
    "casualties": ("UK Ministry of Defence", "Mark Rutte (NATO)", "CSIS", "",
                   "Ukrainian General Staff", "US officials"),
    "ammunition_production": ("The Economist sources", "Estonian intelligence", ""),
    "ammunition_production_eu": ("European Union", "Thierry Breton", ""),
    "emigrants": ("Bloomberg", "Forbes Russia", ""),
}  # fmt: skip

INVASION = dt.date(2022, 2, 24)


def _daily(quantity: str, d: dt.date) -> float:
    """The true daily count on day ``d`` (smooth; the claims are made from it)."""
    t = (d - INVASION).days / 365.25
    if quantity == "recruits":
        return 900.0 + 150.0 * t
    if quantity == "casualties":
        return 500.0 + 280.0 * t
    if quantity == "ammunition_production":
        return 5500.0 + 1500.0 * t
    if quantity == "ammunition_production_eu":
        return 1200.0 + 700.0 * t
    if quantity == "emigrants":
        return 5000.0
    raise KeyError(quantity)


def _total(quantity: str, start: dt.date, end: dt.date) -> float:
    days = (end - start).days + 1
    return sum(_daily(quantity, start + dt.timedelta(days=i)) for i in range(days))


def _round(x: float, digits: int) -> tuple[float, str]:
    """Round as news does; the hedge word says which side the truth lies."""
    scale = 10 ** (math.floor(math.log10(x)) - digits + 1)
    value = round(x / scale) * scale
    if abs(value - x) / x < 0.004:
        return value, "about"
    return value, ("nearly" if value > x else "more_than")


def _windows(quantity: str, rng: np.random.Generator):
    """(kind, per, start, end) of the claims about one quantity."""
    first, last = {
        "recruits": (dt.date(2023, 1, 1), dt.date(2025, 9, 30)),
        "casualties": (dt.date(2022, 6, 1), dt.date(2025, 9, 30)),
        "ammunition_production": (dt.date(2023, 6, 1), dt.date(2025, 6, 30)),
        "ammunition_production_eu": (dt.date(2023, 9, 1), dt.date(2025, 6, 30)),
        "emigrants": (dt.date(2022, 10, 31), dt.date(2023, 3, 24)),
    }[quantity]
    n = {"recruits": 42, "casualties": 30, "ammunition_production": 11,
         "ammunition_production_eu": 9, "emigrants": 3}[quantity]  # fmt: skip
    span = (last - first).days
    ends = sorted(first + dt.timedelta(days=int(k)) for k in rng.integers(0, span, n))
    out = []
    for i, end in enumerate(ends):
        if quantity == "emigrants":
            out.append(("total", "", dt.date(2022, 9, 21), end))
        elif quantity == "casualties" and i % 2 == 0:
            out.append(("total", "", INVASION, end))  # "since the invasion"
        elif quantity in ("recruits",) and i % 3 == 0:
            out.append(("total", "", dt.date(end.year, 1, 1), end))  # year to date
        else:
            per = {"recruits": ("week", "month"), "casualties": ("day", "month"),
                   "ammunition_production": ("year", "month"),
                   "ammunition_production_eu": ("year",)}[quantity][i % 2 if quantity != "ammunition_production_eu" else 0]  # fmt: skip # noqa: E501
            out.append(("rate", per, None, end))
    return out


def forty_sources(path: str | Path, seed: int = 11) -> Path:
    """Write the claims file to ``path`` and return it.

    Parameters
    ----------
    path : path-like
        Where to write the CSV (claims format v1).
    seed : int
        Which outlets and windows; the figures always follow the truth.
    """
    from trends.units import MEAN_PERIOD_DAYS, period_window

    rng = np.random.default_rng(seed)
    rows: list[dict[str, str]] = []
    n_source = 0

    def outlet() -> str:
        # Every outlet appears at least once; the first few then most often.
        nonlocal n_source
        if n_source < len(SOURCES):
            n_source += 1
            return SOURCES[n_source - 1]
        return SOURCES[min(int(rng.geometric(0.35)) - 1, len(SOURCES) - 1)]

    for quantity in ("recruits", "casualties", "ammunition_production",
                     "ammunition_production_eu", "emigrants"):  # fmt: skip
        attributions = ATTRIBUTIONS[quantity]
        for k, (kind, per, start, end) in enumerate(_windows(quantity, rng)):
            if kind == "rate":
                w0, _ = period_window(per, end)
                mean_daily = _total(quantity, w0, end) / ((end - w0).days + 1)
                truth = mean_daily * float(MEAN_PERIOD_DAYS[per])
            else:
                truth = _total(quantity, start, end)
            value, hedge = _round(truth, 2 if k % 2 else 3)
            cid = f"{quantity[:5]}_{k:02d}_{end:%Y%m%d}"
            row = {
                "id": cid,
                "quantity": quantity,
                "kind": kind,
                "value": f"{value:.0f}",
                "per": per,
                "start": "" if start is None else start.isoformat(),
                "end": end.isoformat(),
                "qualifier": hedge,
                "published": (end + dt.timedelta(days=int(rng.integers(1, 20)))).isoformat(),
                "source": outlet(),
                "attributed_to": attributions[k % len(attributions)],
                "quote": f"{hedge.replace('_', ' ')} {value:,.0f}",
            }
            rows.append(row)
            if k % 3 == 1:  # repeated by a later outlet (digests, aggregators)
                rows.append(
                    row
                    | {
                        "id": cid + "_repeat",
                        "published": (end + dt.timedelta(days=40)).isoformat(),
                        "source": outlet(),
                        "derived_from": cid,
                    }
                )
        if quantity in ("recruits", "ammunition_production_eu"):
            # Two plans for 2024 (as for real: the Kremlin's and a Western estimate of it).
            years = (2023, 2024, 2025, 2024) if quantity == "recruits" else (2025,)
            for n, year in enumerate(years):
                a, b = dt.date(year, 1, 1), dt.date(year, 12, 31)
                plan = _total(quantity, a, b) * (1.05 if year != 2024 else 0.95 + 0.1 * (n > 2))
                value, _ = _round(plan, 2)
                rows.append(
                    {
                        "id": f"{quantity[:5]}_target_{year}" + ("_b" if n > 2 else ""),
                        "quantity": quantity,
                        "kind": "target",
                        "value": f"{value:.0f}",
                        "start": a.isoformat(),
                        "end": b.isoformat(),
                        "qualifier": "as_many_as",
                        "published": (a + dt.timedelta(days=80)).isoformat(),
                        "source": outlet(),
                        "attributed_to": attributions[1],
                        "quote": f"as many as {value:,.0f} this year",
                    }
                )
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path
