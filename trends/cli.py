"""The ``trends`` command line: a thin layer over the library.

Each subcommand is a ``_cmd_<name>(args) -> int`` function registered in
:func:`build_parser`; it calls library functions and prints their results. To add a
command, write ``_add_<name>(subparsers)`` (its arguments, ``func=_cmd_<name>``) and
``_cmd_<name>``, and call ``_add_<name>`` from :func:`build_parser`.

Imports are lazy: this module loads only the standard library, :mod:`trends.errors`
and the constants of :mod:`trends.limits`, and each ``_cmd_<name>`` imports the library
modules it uses inside its body (``from .model import fit``), so ``trends --help`` and
argument errors answer in a few tens of milliseconds (``analysis/import_time.py``); keep
new commands that way, and write ``choices=`` and default lists as literals
(:data:`_MODELS` and :data:`_METHODS` are checked against the library's by the tests).

Exit codes: 0 success, 1 an error in the data or files (a :class:`~trends.TrendsError`,
printed as one message without a traceback), 2 a usage error. Warnings the library
issues about the data (:class:`~trends.TrendsWarning`) are printed to stderr, one
``warning: ...`` line each. Primary output goes to stdout, status lines to stderr;
files are written atomically and never over an input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import TrendsError, TrendsWarning
from .limits import MAX_DRAWS, MAX_SEED

__all__ = ["main", "build_parser"]

PROG = "trends"


# ---------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``trends`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit code: 0 success, 1 error, 2 usage error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # usage errors (2); --help and --version (0)
        return _exit_code(e.code)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_usage(sys.stderr)
        print(f"{PROG}: error: name a command (see '{PROG} --help')", file=sys.stderr)
        return 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TrendsWarning)
        code = _run(func, args)
        recorded = list(caught)
    # Shown only now: inside catch_warnings, showwarning appends to the very list read.
    _report_warnings(recorded)
    return code


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run one command; every error a user can cause becomes one line and exit 1."""
    try:
        return func(args)
    except TrendsError as e:
        print(f"error: {e}", file=sys.stderr)
    except OSError as e:
        from .files import WriteError, describe_os_error

        action = "cannot write" if isinstance(e, WriteError) else "cannot read or write"
        print(f"error: {describe_os_error(e, action)}", file=sys.stderr)
    except MemoryError:
        print(
            "error: out of memory; narrow the window (--from/--to, --until, the claims' "
            "dates) or use fewer --draws",
            file=sys.stderr,
        )
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 1


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _report_warnings(caught: Sequence[warnings.WarningMessage]) -> None:
    """Data warnings as one stderr line each (each text once); others shown as usual."""
    seen: set[str] = set()
    for w in caught:
        if issubclass(w.category, TrendsWarning):
            text = " ".join(str(w.message).split())
            if text not in seen:
                seen.add(text)
                print(f"warning: {text}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)


def _progress() -> Callable[[str], None] | None:
    """Status lines with elapsed time on a terminal; nothing when stderr is piped."""
    import time

    if not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:5.1f} s] {msg}", file=sys.stderr, flush=True)

    return say


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Turn reported figures into daily time series with honest uncertainty.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_validate(sub)
    _add_normalise(sub)
    _add_import_series(sub)
    _add_fit(sub)
    _add_estimate(sub)
    _add_project(sub)
    _add_plot(sub)
    _add_report(sub)
    _add_backtest(sub)
    _add_extract(sub)
    return parser


# ---------------------------------------------------------------------------------
# Argument types and output helpers
# ---------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def _date(text: str) -> dt.date:
    """An ISO date argument (YYYY-MM-DD); a usage error otherwise."""
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def _quantity(text: str) -> str:
    """A quantity name argument (snake_case); a usage error otherwise."""
    if not _SNAKE.match(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a quantity name; use snake_case, e.g. casualties"
        )
    return text


def _whole(text: str, lo: int, hi: int, what: str, shown: str) -> int:
    """A whole-number argument in ``lo .. hi`` (``shown`` in messages); a usage error otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not lo <= value <= hi:
        raise argparse.ArgumentTypeError(f"{what} must be {shown}, got {value:,}")
    return value


def _seed(text: str) -> int:
    """A seed argument: a whole number 0 .. 2**63 - 1; a usage error otherwise."""
    return _whole(text, 0, MAX_SEED, "seed", "0 .. 2**63 - 1")


def _draws(text: str) -> int:
    """A number of Monte Carlo draws: 10 .. MAX_DRAWS; a usage error otherwise."""
    return _whole(text, 10, MAX_DRAWS, "draws", f"10 .. {MAX_DRAWS:,}")


def _jobs(text: str) -> int:
    """A number of worker processes: 1 .. 64; a usage error otherwise."""
    return _whole(text, 1, 64, "jobs", "1 .. 64")


def _cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _positive(text: str) -> float:
    """A positive finite number (a target count); a usage error otherwise."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive count, got {text}")
    return value


def _check_not_input(output: str, *inputs: str | None) -> None:
    """Refuse an output file that is, contains or lies in an input, or is a folder."""
    from .files import check_output_file

    check_output_file(output, inputs)


def _write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically; a clean error when it cannot be written."""
    from .files import atomic_write_text, describe_os_error

    try:
        atomic_write_text(path, text)
    except OSError as e:
        raise TrendsError(describe_os_error(e if e.filename else _named(e, path))) from None


def _named(e: OSError, path: str) -> OSError:
    return OSError(e.errno, e.strerror or str(e), path)


def _claims(path: str):
    """The claims of a file; an error when it has none (a header and no rows)."""
    from .claims import read_claims

    claims = read_claims(path)
    if not claims:
        raise TrendsError(f"{path}: no claims (the file has a header and no rows); add claims")
    return claims


def _has_rows(path: str) -> bool:
    """Whether a CSV file has a row below its header (blank lines do not count)."""
    import csv

    with open(path, encoding="utf-8-sig", newline="", errors="replace") as f:
        rows = (r for r in csv.reader(f) if any(cell.strip() for cell in r))
        try:
            next(rows, None)
            return next(rows, None) is not None
        except csv.Error:  # a malformed row is still a row (read_claims has judged the file)
            return True


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _number(x: float) -> str:
    """A count for people: thousands separators, no false precision."""
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.1f}"
    return f"{x:.3g}"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    """Rows of cells as aligned text; columns in ``right`` are right-aligned."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


# ---------------------------------------------------------------------------------
# trends validate FILE
# ---------------------------------------------------------------------------------


def _add_validate(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check a claims file and list every error",
        description="Check a claims file (format v1). Exit 0 with a one-line summary, "
        "or 1 with every error found, each with its row and column.",
    )
    p.add_argument("file", metavar="FILE", help="claims CSV, e.g. data/claims.csv")
    p.set_defaults(func=_cmd_validate)


def _cmd_validate(args: argparse.Namespace) -> int:
    from .claims import independent, read_claims

    # a file whose rows are all in review (candidates, rejected) is valid: it has no claims
    # to use yet, which read_claims has warned about; a file with no rows at all is an error
    claims = read_claims(args.file)
    if not claims and not _has_rows(args.file):
        claims = _claims(args.file)  # the error for a file with no rows
    n_quantities = len({c.quantity for c in claims})
    print(
        f"{args.file}: {_plural(len(claims), 'claim')} "
        f"({len(independent(claims)):,} independent) on "
        f"{_plural(n_quantities, 'quantity', 'quantities')}, no errors"
    )
    return 0


# ---------------------------------------------------------------------------------
# trends normalise FILE [--as-of DATE] [-o OUT.csv]
# ---------------------------------------------------------------------------------

_TABLE = [  # (normalise column, header, right-aligned, formatter)
    ("id", "id", False, str),
    ("quantity", "quantity", False, str),
    ("kind", "kind", False, str),
    ("start", "start", False, lambda d: d.strftime("%Y-%m-%d")),
    ("end", "end", False, lambda d: d.strftime("%Y-%m-%d")),
    ("days", "days", True, lambda d: f"{int(d):,}"),
    ("total_low", "total low", True, _number),
    ("total_mid", "total mid", True, _number),
    ("total_high", "total high", True, _number),
    ("rate_low", "per day low", True, _number),
    ("rate_mid", "per day mid", True, _number),
    ("rate_high", "per day high", True, _number),
    ("qualifier", "qualifier", False, str),
    ("repeats", "repeats", False, lambda ids: _shorten(str(ids), 40)),
]


def _add_normalise(sub) -> None:
    p = sub.add_parser(
        "normalise",
        help="one row per independent claim: window total and daily rate",
        description="Read a claims file and show each independent claim (repeats counted "
        "once) as a total over its window and a daily rate, each low / mid / high from "
        "its hedge. A text table on stdout, or a CSV with -o.",
    )
    p.add_argument("file", metavar="FILE", help="claims CSV")
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="keep only claims published on or before DATE (YYYY-MM-DD)",
    )
    p.add_argument("-o", "--output", metavar="OUT.csv", help="write a CSV here instead")
    p.set_defaults(func=_cmd_normalise)


def _cmd_normalise(args: argparse.Namespace) -> int:
    from .claims import as_of
    from .observe import normalise

    claims = _claims(args.file)
    table = normalise(claims, as_of_date=args.as_of)
    if args.output:
        _check_not_input(args.output, args.file)
        _write_text(args.output, table.to_csv(index=False, lineterminator="\n"))
        print(f"{args.output}: {_plural(len(table), 'row')}", file=sys.stderr)
        return 0
    rows = [[fmt(r[col]) for col, _, _, fmt in _TABLE] for r in table.to_dict("records")]
    header = [h for _, h, _, _ in _TABLE]
    right = {i for i, (_, _, r, _) in enumerate(_TABLE) if r}
    print(_text_table(header, rows, right))
    public = len(as_of(claims, args.as_of))
    note = f"{_plural(len(table), 'independent claim')} ({_plural(public, 'claim')}"
    note += f", {public - len(table):,} counted through their original)"
    if args.as_of is not None:
        note += f", as of {args.as_of}"
    print(note + "; totals over each window, rates per day")
    return 0


# ---------------------------------------------------------------------------------
# trends import-series FILE [-o OUT.csv] [--quantity Q] [--field F] [--start DATE]
# ---------------------------------------------------------------------------------


def _add_import_series(sub) -> None:
    p = sub.add_parser(
        "import-series",
        help="turn a dense cumulative series into claims (one exact total per increment)",
        description="Read a cumulative series (a JSON list of records, or a CSV "
        "'date,value') and write it as a claims file: each increase between reports is "
        "an exact total over the days since the report before. With an origin (--start, "
        "or the JSON 'day' field) the claims add up to the last value.",
    )
    p.add_argument("file", metavar="FILE", help="series file (.json or .csv)")
    p.add_argument("-o", "--output", metavar="OUT.csv", help="claims CSV (default: stdout)")
    p.add_argument(
        "--quantity",
        type=_quantity,
        metavar="Q",
        help="quantity name for the claims (default: the JSON field name)",
    )
    p.add_argument("--field", metavar="F", help="JSON field with the cumulative count")
    p.add_argument(
        "--start",
        type=_date,
        metavar="DATE",
        help="first day the series counts (default: from the JSON 'day' field, if any)",
    )
    p.set_defaults(func=_cmd_import_series)


def _cmd_import_series(args: argparse.Namespace) -> int:
    from .claims import claims_to_csv, parse_claims_text
    from .observe import read_series, series_to_claims

    if args.output:
        _check_not_input(args.output, args.file)
    series, origin = read_series(args.file, field=args.field)
    origin = args.start or origin
    quantity = args.quantity or str(series.name)
    if args.quantity is None and (quantity == "value" or not _SNAKE.match(quantity)):
        raise TrendsError(
            f"{args.file}: the series has no usable quantity name ({quantity!r}); "
            "pass --quantity NAME, e.g. --quantity casualties"
        )
    first = series.index[0].date()
    if origin is not None and origin > first:
        raise TrendsError(
            f"{args.file}: counting cannot start on {origin}, after the first record "
            f"({first}); give a --start on or before {first}"
        )
    try:
        claims = series_to_claims(series, quantity, origin=origin, document=args.file)
    except OverflowError:
        raise TrendsError(
            f"{args.file}: the dates reach the end of the calendar (years 1 to 9999)"
        ) from None
    text = claims_to_csv(claims)
    # What is written must pass `trends validate`: the same validator, before writing.
    target = args.output or "<stdout>"
    parse_claims_text(text, source=f"{target} (claims made from {args.file})")
    if args.output:
        _write_text(args.output, text)
    else:
        sys.stdout.write(text)
    total = sum(c.value for c in claims)
    print(
        f"{target}: {_plural(len(claims), 'claim')} on {quantity!r}, "
        f"{_number(total)} in all from {claims[0].start} to {claims[-1].end}"
        + ("" if origin is not None else " (no origin: the first report is the baseline)"),
        file=sys.stderr,
    )
    return 0


# ---------------------------------------------------------------------------------
# fit, estimate, project, plot, report
# ---------------------------------------------------------------------------------

_DATA = Path("data")
#: The model names of :data:`trends.model.MODELS`, written out so that building the
#: parser does not load the model (numpy, scipy); a test keeps the two equal.
_MODELS = ("local_level", "local_linear_trend", "constant")


def _model_arg(p) -> None:
    p.add_argument("--model", choices=_MODELS, default="local_level", help="trend variant")
    p.add_argument("--seed", type=_seed, default=0, help="seed of the posterior draws (0)")
    p.add_argument(
        "--reference",
        action="append",
        metavar="SOURCE",
        help="a source taken as unbiased (its attributed_to, else its source, exactly as "
        "in the claims file); repeat for several. Default: the consensus of all sources",
    )


def _fit(args, until: dt.date | None = None, start: dt.date | None = None):
    from .model import RateModel, fit

    claims = _claims(args.claims)
    spec = RateModel(kind=args.model, reference=tuple(getattr(args, "reference", None) or ()))
    return fit(
        claims, args.quantity, model=spec, as_of_date=args.as_of, start=start,
        until=until, rng=args.seed,
    )  # fmt: skip


def _add_fit(sub) -> None:
    p = sub.add_parser(
        "fit",
        help="fit the daily rate of a quantity; print the summary, write rate and total",
        description="Fit the latent daily rate of one quantity from its claims. Prints the "
        "summary; with -o writes a CSV: date, the daily rate and the cumulative total from "
        "the first fitted day, each as mean and quantiles 0.05, 0.25, 0.5, 0.75, 0.95.",
    )
    p.add_argument("claims", metavar="CLAIMS", help="claims file (CSV, format v1)")
    p.add_argument("--quantity", "-q", required=True, type=_quantity)
    p.add_argument("--as-of", type=_date, help="use only claims published by DATE")
    p.add_argument("--until", type=_date, help="forecast to DATE (default: the last claim)")
    p.add_argument("-o", "--output", help="write the daily table here (CSV)")
    _model_arg(p)
    p.set_defaults(func=_cmd_fit)


def _cmd_fit(args: argparse.Namespace) -> int:
    import pandas as pd

    if args.output:
        _check_not_input(args.output, args.claims)
    f = _fit(args, until=args.until)
    if args.until is not None and args.until < f.origin:
        raise TrendsError(
            f"--until {args.until} is before the first fitted day ({f.origin}); "
            f"give a date from {f.origin} on"
        )
    print(f.summary())
    last = pd.Timestamp(args.until or f.end)
    rate = f.rate().loc[:last].add_prefix("rate_")
    cum = f.cumulative().loc[:last].add_prefix("cumulative_")
    table = pd.concat([rate, cum], axis=1)
    table.index = table.index.strftime("%Y-%m-%d").rename("date")
    if args.output:
        _write_text(args.output, table.to_csv(float_format="%.6g"))
        print(f"wrote {args.output} ({_plural(len(table), 'day')})", file=sys.stderr)
    else:
        tail = table.iloc[-1]
        print(
            f"\non {table.index[-1]}: {_number(tail['rate_q50'])} a day (90% interval "
            f"{_number(tail['rate_q05'])} to {_number(tail['rate_q95'])}); since "
            f"{table.index[0]}: {_number(tail['cumulative_q50'])} "
            f"({_number(tail['cumulative_q05'])} to {_number(tail['cumulative_q95'])})"
        )
    return 0


def _add_estimate(sub) -> None:
    p = sub.add_parser(
        "estimate",
        help="the total of a quantity over a window, with its interval",
        description="Estimate the total of QUANTITY over START..END (inclusive), using only "
        "claims published on or before --as-of. --format json prints exactly one JSON "
        "object: quantity, start, end, as_of, mean, quantiles (0.05 ... 0.95) and, with "
        "--target, p_at_least_target.",
    )
    p.add_argument("claims", metavar="CLAIMS", help="claims file (CSV, format v1)")
    p.add_argument("--quantity", "-q", required=True, type=_quantity)
    p.add_argument("--from", dest="start", required=True, type=_date, metavar="START")
    p.add_argument("--to", dest="end", required=True, type=_date, metavar="END")
    p.add_argument("--as-of", type=_date, help="use only claims published by DATE")
    p.add_argument("--target", type=_positive, help="also give P(total >= TARGET)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    _model_arg(p)
    p.set_defaults(func=_cmd_estimate)


def _cmd_estimate(args: argparse.Namespace) -> int:
    import json

    if args.end < args.start:
        raise TrendsError(f"--to {args.end} is before --from {args.start}; swap them")
    if args.target is not None and not args.target > 0:
        raise TrendsError("--target must be a positive count")
    f = _fit(args, until=args.end, start=args.start)
    est = f.total(args.start, args.end)
    if args.format == "json":
        out = {
            "quantity": args.quantity,
            "start": args.start.isoformat(),
            "end": args.end.isoformat(),
            "as_of": args.as_of.isoformat() if args.as_of else None,
            "mean": est.mean,
            "quantiles": {str(q): est.quantiles[q] for q in (0.05, 0.25, 0.5, 0.75, 0.95)},
        }
        if args.target is not None:
            out["p_at_least_target"] = est.p_at_least(args.target)
        print(json.dumps(out))
        return 0
    lo, mid, hi = est.quantiles[0.05], est.quantiles[0.5], est.quantiles[0.95]
    as_of = f" (claims published by {args.as_of})" if args.as_of else ""
    line = (
        f"{args.quantity} from {args.start} to {args.end}{as_of}: about {_number(mid)}, "
        f"90% interval {_number(lo)} to {_number(hi)}"
    )
    if args.target is not None:
        line += f"; P(at least {_number(args.target)}) = {est.p_at_least(args.target):.2f}"
    print(line + ".")
    return 0


def _add_project(sub) -> None:
    p = sub.add_parser(
        "project",
        help="stock-flow projection: reserve build-up and attrition, with scenarios",
        description="Project recruits, casualties, irrecoverable losses, reserve and "
        "attrition to --until by Monte Carlo over the fits and the assumptions.",
    )
    p.add_argument("claims", metavar="CLAIMS", help="claims file (CSV, format v1)")
    p.add_argument("--assumptions", required=True, help="assumptions file (TOML)")
    p.add_argument("--until", required=True, type=_date)
    p.add_argument("--scenario", action="append", default=[], metavar="NAME",
                   help="scenario of the assumptions (repeatable; 'all': every one)")  # fmt: skip
    p.add_argument("--draws", type=_draws, default=10_000)
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument(
        "--exhausted-by",
        type=_date,
        action="append",
        default=[],
        metavar="DATE",
        help="also print P(reserve exhausted by DATE), per scenario (repeatable)",
    )
    p.add_argument("-o", "--output", help="write the tidy quantile table here (CSV)")
    p.set_defaults(func=_cmd_project)


def _cmd_project(args: argparse.Namespace) -> int:
    from .assumptions import read_assumptions
    from .projection import project

    if args.output:
        _check_not_input(args.output, args.claims, args.assumptions)
    if args.draws < 10:
        raise TrendsError("--draws must be at least 10")
    claims = _claims(args.claims)
    assumptions = read_assumptions(args.assumptions)
    scenarios = "all" if "all" in args.scenario else tuple(args.scenario)
    say = _progress()
    if say is not None:
        say(f"fitting and projecting with {args.draws:,} draws")
    proj = project(claims, assumptions, args.until, scenarios=scenarios, draws=args.draws,
                   seed=args.seed)  # fmt: skip
    print(proj.summary())
    if args.exhausted_by:
        print("\nP(reserve exhausted by date):")
        for s in proj.scenarios:
            ps = ", ".join(f"{d}: {proj.p_exhausted(d, s):.2f}" for d in args.exhausted_by)
            print(f"  {s}: {ps}")
    if args.output:
        _write_text(args.output, proj.table().to_csv(index=False, float_format="%.6g"))
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


_PLOTS = ("claims", "fit", "cumulative", "projection", "backtest")


def _add_plot(sub) -> None:
    p = sub.add_parser(
        "plot",
        help="draw one figure (claims, fit, cumulative, projection) as PNG, PDF or SVG",
        description="Draw one paper figure. The format follows the output's suffix.",
    )
    p.add_argument("kind", choices=_PLOTS, metavar="KIND", help=", ".join(_PLOTS))
    p.add_argument("claims", metavar="CLAIMS",
                   help="claims file (CSV, format v1); for backtest: the rows of "
                   "'trends backtest -o'")  # fmt: skip
    p.add_argument("--quantity", "-q", type=_quantity, help="quantity (needed but for claims)")
    p.add_argument("--as-of", type=_date, help="use only claims published by DATE")
    p.add_argument("--until", type=_date, help="horizon of fits and projections")
    p.add_argument("--per", choices=("day", "week", "month", "year"), default="week")
    p.add_argument("--assumptions", help="assumptions (TOML), for KIND projection")
    p.add_argument("--variable", default="reserve", help="projection variable (reserve)")
    p.add_argument("--width", choices=("single", "double"), default="single")
    p.add_argument("-o", "--output", required=True, help="OUT.png, OUT.pdf or OUT.svg")
    _model_arg(p)
    p.set_defaults(func=_cmd_plot)


def _cmd_plot(args: argparse.Namespace) -> int:
    from . import plot

    suffix = Path(args.output).suffix.lower()
    if suffix not in (".png", ".pdf", ".svg"):
        raise TrendsError(f"{args.output}: the output must end in .png, .pdf or .svg")
    _check_not_input(args.output, args.claims)
    if args.kind == "backtest":
        return _plot_backtest(args)
    if args.kind != "claims" and not args.quantity and args.kind != "projection":
        raise TrendsError(f"'trends plot {args.kind}' needs --quantity")
    claims = _claims(args.claims)
    if args.kind == "claims" and not args.quantity:
        names = sorted({c.quantity for c in claims})
        if len(names) > 1:
            raise TrendsError(f"{args.claims} holds {len(names)} quantities "
                              f"({', '.join(names)}); name one with --quantity")  # fmt: skip
    fig, ax = plot.figure(args.width)
    try:
        _draw(args, claims, ax)
        plot.save_figure(fig, args.output)
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)  # also on failure: a long-lived process must not collect figures
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _draw(args: argparse.Namespace, claims, ax) -> None:
    """Draw the figure ``args.kind`` asks for on ``ax``."""
    from . import plot
    from .claims import independent

    if args.kind == "claims":
        plot.plot_claims(claims, args.quantity, per=args.per, ax=ax)
    elif args.kind in ("fit", "cumulative"):
        f = _fit(args, until=args.until)
        if args.kind == "fit":
            plot.plot_fit(f, claims, per=args.per, ax=ax)
        else:
            targets = [c for c in independent(claims)
                       if c.quantity == args.quantity and c.kind == "target"]  # fmt: skip
            plot.plot_cumulative(f, targets=targets, ax=ax)
    else:
        from .assumptions import read_assumptions
        from .projection import project

        if not args.assumptions or not args.until:
            raise TrendsError("'trends plot projection' needs --assumptions and --until")
        proj = project(claims, read_assumptions(args.assumptions), args.until,
                       scenarios="all", draws=4000, seed=args.seed)  # fmt: skip
        plot.plot_projection(proj, args.variable, ax=ax)


def _add_report(sub) -> None:
    p = sub.add_parser(
        "report",
        help="the main job: fit, project and draw everything into a report folder",
        description="Validate, normalise, fit every quantity with rate or total claims, "
        "project with the assumptions, and write figures, CSV tables, report.md and a "
        "self-contained report.html into --out. With no arguments: the shipped "
        "data/claims.csv and data/assumptions.toml into report/.",
    )
    p.add_argument("claims", metavar="CLAIMS", nargs="?", help="claims file (data/claims.csv)")
    p.add_argument("--assumptions", help="assumptions (TOML); without CLAIMS the default is "
                   "data/assumptions.toml; 'none' for no projections")  # fmt: skip
    p.add_argument("--out", default="report", help="output folder (report/)")
    p.add_argument("--until", type=_date, help="horizon (default: end of the next year)")
    p.add_argument("--draws", type=_draws, default=4000)
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--jobs", type=_jobs, help="worker processes for the fits and figures "
                   "(default: the cores available); the same files for any number")  # fmt: skip
    p.set_defaults(func=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    claims = args.claims or str(_DATA / "claims.csv")
    if args.assumptions == "none":
        assumptions = None
    elif args.assumptions:
        assumptions = args.assumptions
    else:
        default = _DATA / "assumptions.toml"
        assumptions = str(default) if default.exists() and not args.claims else None
    rep = write_report(claims, args.out, assumptions_path=assumptions, until=args.until,
                       draws=args.draws, seed=args.seed, progress=_progress(),
                       jobs=args.jobs or _cores())  # fmt: skip
    print(f"wrote {rep.folder}/report.html, {rep.folder}/report.md, "
          f"{_plural(sum(f.startswith('figures/') for f in rep.files), 'figure file')} and "
          f"{_plural(sum(f.startswith('tables/') for f in rep.files), 'table')} "
          f"({_plural(len(rep.warnings), 'warning')})")  # fmt: skip
    return 0


# ---------------------------------------------------------------------------------
# trends backtest SERIES --field NAME
# ---------------------------------------------------------------------------------


#: :data:`trends.backtest.BASELINES` and :data:`~trends.backtest.METHODS`, written out
#: so that building the parser does not load the backtest; a test keeps them equal.
_BASELINES = ("naive", "ucm", "tempdisagg")
_METHODS = ("trends", *_BASELINES)


def _add_backtest(sub) -> None:
    p = sub.add_parser(
        "backtest",
        help="score trends and baselines on news-like reports drawn from a known series",
        description="As of every --every months, draw 4-10 news-like reports from the year "
        "before from a daily cumulative series (JSON records or a CSV with a date column "
        "and one column per field), estimate the next 90 days, a 60-day past window no rate "
        "report covers and the next 365 days with each method, and score the quantiles "
        "against the truth. Writes one row per method, as-of date and target to -o and "
        "prints the summary per method and target.",
    )
    p.add_argument("series", metavar="SERIES", help="daily cumulative series (.json or .csv)")
    p.add_argument("--field", required=True, help="the JSON field or CSV column to backtest")
    p.add_argument(
        "--every", type=int, default=2, metavar="MONTHS", help="months between as-of dates (2)"
    )
    p.add_argument("--seed", type=_seed, default=0, help="seed of the reports and draws (0)")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes (1)")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on this dask.distributed scheduler (needs the dask extra)",
    )
    p.add_argument(
        "--methods",
        nargs="+",
        default=list(_METHODS),
        metavar="METHOD",
        help=f"trends, trends:<model>, {', '.join(_BASELINES)} (all four)",
    )
    p.add_argument(
        "--timings",
        action="store_true",
        help="fill fit_s with each method's seconds (rows then differ per run)",
    )
    p.add_argument("-o", "--output", required=True, help="write the score rows here (CSV)")
    p.set_defaults(func=_cmd_backtest)


def _progress_bar() -> Callable[[int, int], None] | None:
    """A one-line progress bar on stderr: on a terminal, once a run passes 2 seconds."""
    import time

    if not sys.stderr.isatty():
        return None
    t0 = time.perf_counter()
    shown = False

    def show(done: int, total: int) -> None:
        nonlocal shown
        elapsed = time.perf_counter() - t0
        if elapsed < 2 and not shown:
            return
        shown = True
        width = 30
        fill = round(width * done / total)
        eta = elapsed / done * (total - done) if done else 0.0
        print(
            f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} cases, "
            f"{elapsed:.0f} s, {eta:.0f} s left ",
            end="\n" if done == total else "",
            file=sys.stderr,
            flush=True,
        )

    return show


def _cmd_backtest(args: argparse.Namespace) -> int:
    from .backtest import backtest, format_summary, load_series, summarise

    _check_not_input(args.output, args.series)
    if args.jobs < 1:
        raise TrendsError("--jobs must be at least 1")
    if args.every < 1:
        raise TrendsError("--every must be at least 1 (months)")
    series = load_series(args.series, args.field)
    for note in series.notes():
        print(f"note: {note}", file=sys.stderr)
    rows = backtest(
        series,
        every=args.every,
        seed=args.seed,
        methods=args.methods,
        jobs=args.jobs,
        scheduler=args.scheduler,
        timings=args.timings,
        progress=_progress_bar(),
    )
    _write_text(args.output, rows.to_csv(index=False, float_format="%.10g"))
    print(format_summary(summarise(rows)))
    n_cases = rows[["as_of"]].drop_duplicates().shape[0]
    print(
        f"wrote {args.output} ({_plural(len(rows), 'row')}, {_plural(n_cases, 'as-of date')})",
        file=sys.stderr,
    )
    return 0


def _plot_backtest(args: argparse.Namespace) -> int:
    """``trends plot backtest ROWS.csv``: pinball by series and method, and the PIT."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from . import plot

    try:
        rows = pd.read_csv(args.claims)
    except (OSError, ValueError) as e:
        raise TrendsError(f"{args.claims}: cannot read the backtest rows ({e})") from None
    width = plot.DOUBLE_WIDTH
    height = max(2.4, 0.16 * rows["series"].nunique() + 1.2) if "series" in rows else 2.4
    with plt.style.context(plot.STYLE):
        fig, ax = plt.subplots(
            1, 2, figsize=(width, height), layout="constrained", width_ratios=(1.3, 1)
        )
    plot.plot_backtest_series(rows, ax=ax[0])
    plot.plot_backtest_pit(rows, ax=ax[1])
    plot.save_figure(fig, args.output)
    plt.close(fig)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------------------------
# trends extract DOC... [--published [DOC=]DATE] [--quantities FILE] -o CANDIDATES.csv
# ---------------------------------------------------------------------------------


def _add_extract(sub) -> None:
    p = sub.add_parser(
        "extract",
        help="propose candidate claims, with their quotes, from articles (text, Markdown, HTML)",
        description="Read articles and propose one candidate claim per reported figure: the "
        "claims columns, then confidence (0..1) and status 'candidate'. Review the file: set "
        "status to accepted or rejected; the other commands use only accepted or unmarked "
        "rows. Windows count from the publication date: --published, else a date in the "
        "document's first lines (a warning says which), else left empty.",
    )
    p.add_argument("docs", nargs="+", metavar="DOC", help="article files (.txt, .md, .html)")
    p.add_argument(
        "--published",
        action="append",
        default=[],
        metavar="[DOC=]DATE",
        help="publication date YYYY-MM-DD, for every document or (DOC=DATE, repeatable) one",
    )
    p.add_argument("--quantities", metavar="FILE", help="quantities vocabulary (TOML) merged "
                   "over data/quantities.toml")  # fmt: skip
    p.add_argument("--anchors", metavar="FILE", help="named start days (TOML) merged over the "
                   "built-in ones (war, mobilisation, ...)")  # fmt: skip
    p.add_argument("-o", "--output", required=True, metavar="CANDIDATES.csv")
    p.set_defaults(func=_cmd_extract)


def _cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract, read_anchors, write_candidates
    from .quantities import read_quantities

    _check_not_input(args.output, *args.docs)
    every: dt.date | None = None
    each: dict[str, dt.date] = {}
    for item in args.published:
        doc, _, date = item.rpartition("=")
        try:
            day = _date(date)
        except argparse.ArgumentTypeError as e:
            raise TrendsError(f"--published {item}: {e}") from None
        if doc:
            if doc not in args.docs:
                raise TrendsError(f"--published {item}: {doc} is not one of the documents")
            each[doc] = day
        else:
            every = day
    published = {d: each.get(d, every) for d in args.docs if each.get(d, every) is not None}
    base = read_quantities()
    quantities = read_quantities(args.quantities, base=base) if args.quantities else base
    anchors = read_anchors(args.anchors) if args.anchors else None
    cands = extract(args.docs, published=published, quantities=quantities, anchors=anchors)
    try:
        write_candidates(cands, args.output)
    except OSError as e:
        raise TrendsError(f"{args.output}: cannot write ({e.strerror or e})") from None
    repeats = sum(1 for c in cands if c.derived_from)
    unnamed = sum(1 for c in cands if not c.quantity)
    print(
        f"{args.output}: {_plural(len(cands), 'candidate')} from "
        f"{_plural(len(args.docs), 'document')} ({repeats:,} marked as repeats, "
        f"{unnamed:,} with no quantity); review the status column",
        file=sys.stderr,
    )
    return 0
