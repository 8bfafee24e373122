"""The ``trends`` command line: a thin layer over the library.

Each subcommand is a ``_cmd_<name>(args) -> int`` function registered in
:func:`build_parser`; it calls library functions and prints their results. To add a
command, write ``_add_<name>(subparsers)`` (its arguments, ``func=_cmd_<name>``) and
``_cmd_<name>``, and call ``_add_<name>`` from :func:`build_parser`.

Exit codes: 0 success, 1 an error in the data or files (a :class:`~trends.TrendsError`,
printed as one message without a traceback), 2 a usage error. Warnings the library
issues about the data (:class:`~trends.TrendsWarning`) are printed to stderr, one
``warning: ...`` line each. Primary output goes to stdout, status lines to stderr;
files are written atomically and never over an input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .claims import as_of, independent, read_claims, write_claims
from .errors import TrendsError, TrendsWarning
from .files import atomic_write_text
from .observe import normalise, read_series, series_to_claims

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
        try:
            return func(args)
        except TrendsError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
        finally:
            _report_warnings(caught)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _report_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Data warnings as one stderr line each; anything else shown the usual way."""
    for w in caught:
        if issubclass(w.category, TrendsWarning):
            print(f"warning: {' '.join(str(w.message).split())}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)


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


def _check_not_input(output: str, *inputs: str) -> None:
    out = Path(output).resolve()
    for name in inputs:
        if Path(name).resolve() == out:
            raise TrendsError(f"{output}: is also the input; write the output elsewhere")


def _write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically; a clean error when it cannot be written."""
    try:
        atomic_write_text(path, text)
    except OSError as e:
        raise TrendsError(f"{path}: cannot write ({e.strerror or e})") from None


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
    claims = read_claims(args.file)
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
    ("start", "start", False, str),
    ("end", "end", False, str),
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
    claims = read_claims(args.file)
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
    series, origin = read_series(args.file, field=args.field)
    origin = args.start or origin
    quantity = args.quantity or str(series.name)
    if args.quantity is None and (quantity == "value" or not _SNAKE.match(quantity)):
        raise TrendsError(
            f"{args.file}: the series has no usable quantity name ({quantity!r}); "
            "pass --quantity NAME, e.g. --quantity casualties"
        )
    claims = series_to_claims(series, quantity, origin=origin, document=args.file)
    if args.output:
        _check_not_input(args.output, args.file)
        try:
            write_claims(claims, args.output)
        except OSError as e:
            raise TrendsError(f"{args.output}: cannot write ({e.strerror or e})") from None
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "claims.csv")
            write_claims(claims, path)
            sys.stdout.write(Path(path).read_text(encoding="utf-8"))
    total = sum(c.value for c in claims)
    first = claims[0].start
    print(
        f"{args.output or '<stdout>'}: {_plural(len(claims), 'claim')} on {quantity!r}, "
        f"{_number(total)} in all from {first} to {claims[-1].end}"
        + ("" if origin is not None else " (no origin: the first report is the baseline)"),
        file=sys.stderr,
    )
    return 0
