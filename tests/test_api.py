"""The Python API an analyst meets: top-level names, DataFrames in, any date, objects
checked when built, tables indexed by date, summaries that export themselves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_claims import _claims as claim_strategy

import trends
from trends import cli
from trends.assumptions import parse_assumptions
from trends.claims import Claim, claims_frame, read_claims, write_claims
from trends.errors import AssumptionsError, ClaimsFormatError, DataError
from trends.model import MODELS, RateModel
from trends.observe import series_to_claims
from trends.tables import to_latex, to_markdown

D = dt.date
REPO = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "pandas", "scipy", "matplotlib", "statsmodels")


def loaded_after(code: str) -> list[str]:
    """The heavy libraries a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
    ).stdout.strip()
    return [m for m in out.split(",") if m]


# ---- 1. the top level ------------------------------------------------------------------


def test_import_trends_and_the_parser_load_no_heavy_library():
    assert loaded_after("import trends") == []
    # what `trends --help` runs: build the parser of every command
    assert loaded_after("from trends.cli import build_parser; build_parser()") == []
    assert loaded_after("import trends; trends.fit; trends.read_claims") == []
    assert "numpy" in loaded_after("import trends; trends.RateFit")  # and loading works


def test_every_public_name_resolves():
    for name in trends.__all__:
        assert getattr(trends, name) is not None, name
        assert name in dir(trends)
    assert trends.read_claims is read_claims
    assert trends.Claim is Claim
    assert trends.plot.plot_fit  # a submodule, without "import trends.plot"
    assert trends.backtest.backtest
    with pytest.raises(AttributeError, match="no attribute 'frobnicate'"):
        trends.frobnicate  # noqa: B018


def test_a_listed_submodule_that_is_missing_is_an_attribute_error(monkeypatch):
    monkeypatch.setattr(trends, "_SUBMODULES", (*trends._SUBMODULES, "no_such_module"))
    with pytest.raises(AttributeError, match="no submodule 'no_such_module'"):
        trends.no_such_module  # noqa: B018
    assert not hasattr(trends, "no_such_module")


def test_the_cli_choices_are_the_librarys():
    from trends import backtest

    assert cli._MODELS == MODELS
    assert (cli._BASELINES, cli._METHODS) == (backtest.BASELINES, backtest.METHODS)


def test_py_typed_ships():
    assert (REPO / "trends" / "py.typed").exists()
    assert 'trends = ["py.typed"]' in (REPO / "pyproject.toml").read_text()


# ---- 2. claims from a DataFrame, and from several sources ----------------------------------

GOOD = {
    "id": ["w1", "ytd", "oct"],
    "quantity": ["volunteers"] * 3,
    "kind": ["rate", "total", "rate"],
    "value": [1200, 40000.0, "5,000"],
    "per": ["week", None, "month"],
    "start": [np.nan, pd.Timestamp("2025-01-01"), D(2025, 10, 1)],
    "end": [D(2025, 3, 31), np.datetime64("2025-09-30"), "2025-10-31"],
    "qualifier": ["about", "nearly", None],
}


def test_a_dataframe_reads_like_the_file_of_its_text(tmp_path):
    claims = read_claims(pd.DataFrame(GOOD, index=[10, 11, 12]))
    text = "id,quantity,kind,value,per,start,end,qualifier\n" + "\n".join(
        [
            "w1,volunteers,rate,1200,week,,2025-03-31,about",
            "ytd,volunteers,total,40000,,2025-01-01,2025-09-30,nearly",
            'oct,volunteers,rate,"5,000",month,2025-10-01,2025-10-31,',
        ]
    )
    (tmp_path / "c.csv").write_text(text + "\n")
    from_file = read_claims(tmp_path / "c.csv")
    assert [c.row for c in claims] == [10, 11, 12]  # the DataFrame's index
    assert [c.row for c in from_file] == [2, 3, 4]
    strip = [dict(vars(c), row=None) for c in claims]
    assert strip == [dict(vars(c), row=None) for c in from_file]
    assert all(isinstance(c.value, float) and type(c.end) is D for c in claims)


def test_the_shipped_claims_read_by_pandas_give_the_same_claims():
    path = REPO / "data" / "claims.csv"
    plain = pd.read_csv(path)  # ints, floats, NaN where the file is empty
    dated = pd.read_csv(path, parse_dates=["start", "end", "published"])  # Timestamps, NaT
    want = [dict(vars(c), row=None) for c in read_claims(path)]
    for frame in (plain, dated):
        got = read_claims(frame)
        assert [c.row for c in got] == list(frame.index)
        assert [dict(vars(c), row=None) for c in got] == want


def test_dataframe_errors_name_index_and_column_all_at_once():
    bad = pd.DataFrame(GOOD, index=["a", "b", "c"])
    bad.loc["a", "kind"] = "estimate"
    bad.loc["b", "value"] = -5
    bad.loc["c", "end"] = pd.Timestamp("2025-10-31 12:30")
    bad["colour"] = "red"
    with pytest.raises(ClaimsFormatError) as info:
        read_claims(bad)
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {(None, "colour"), ("a", "kind"), ("b", "value"), ("c", "end")}
    text = str(info.value)
    assert text.startswith("<DataFrame>: 4 errors")
    assert "row b, column 'value'" in text and "column 'colour': unknown column" in text


def test_several_sources_are_checked_together(tmp_path):
    path = REPO / "data" / "claims.csv"
    extra = pd.DataFrame(
        {
            "id": ["mine_1", "mine_2"],
            "quantity": ["recruits"] * 2,
            "kind": ["total"] * 2,
            "value": [290_000, 300_000],
            "start": ["2025-01-01"] * 2,
            "end": ["2025-09-15"] * 2,
            "derived_from": [None, "isw_ytd_2025"],  # a claim of the file
        }
    )
    alone = read_claims(path)
    both = read_claims([path, extra])
    assert [c.id for c in both] == [c.id for c in alone] + ["mine_1", "mine_2"]
    assert len(trends.independent(both)) == len(trends.independent(alone)) + 1
    with pytest.raises(ClaimsFormatError, match="'isw_ytd_2025', which is not an id"):
        read_claims(extra)  # on its own the link points nowhere
    # claims already read count as a source too
    assert [c.id for c in read_claims([alone, extra])] == [c.id for c in both]

    clash = extra.assign(id=["mine_1", "isw_ytd_2025"], derived_from=[None, "nowhere"])
    with pytest.raises(ClaimsFormatError) as info:
        read_claims([path, clash])
    text = str(info.value)
    assert (
        f"<DataFrame>#2: row 1, column 'id': duplicate id 'isw_ytd_2025': row 3 of {path} and "
        "row 1 of <DataFrame>#2" in text
    )
    assert "'nowhere', which is not an id" in text


def test_a_bad_batch_is_reported_with_its_source(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,quantity,kind,value,end\nx,recruits,stock,-1,2025-01-01\n")
    frame = pd.DataFrame(GOOD).assign(kind="rat")
    with pytest.raises(ClaimsFormatError) as info:
        read_claims([bad, frame])
    sources = {e.source for e in info.value.errors}
    assert sources == {str(bad), "<DataFrame>#2"}
    assert len(info.value.errors) == 1 + 3


def test_duplicate_ids_are_an_error_in_a_fit():
    claims = weekly_claims()
    with pytest.raises(ClaimsFormatError, match="duplicate id 'w0'"):
        trends.fit([*claims, claims[0]], "x")


# ---- 3. any date in, DatetimeIndex out -------------------------------------------------------


def weekly_claims() -> list[Claim]:
    return [
        Claim(
            f"w{i}",
            "x",
            "rate",
            700.0 * (1 + 0.1 * (i % 3)),
            D(2024, 1, 7) + dt.timedelta(weeks=8 * i),
            per="week",
            qualifier="about",
        )  # fmt: skip
        for i in range(6)
    ]


QUICK = RateModel(n_samples=40, integrate=False)

DATE_LIKES = [
    lambda s: s,
    dt.date.fromisoformat,
    lambda s: dt.datetime.fromisoformat(s),
    pd.Timestamp,
    np.datetime64,
]


@pytest.fixture(scope="module")
def quick_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return trends.fit(weekly_claims(), "x", model=QUICK, until="2025-12-31", seed=3)


def test_fit_takes_any_date_like():
    def fit(conv):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return trends.fit(weekly_claims(), "x", model=QUICK, seed=3, until=conv("2025-12-31"),
                              as_of=conv("2024-06-01"), start=conv("2023-12-01"))  # fmt: skip

    want = fit(str)
    assert want.origin == D(2023, 12, 1) and want.end == D(2025, 12, 31)
    assert len(want.observations) == 3  # the claims public by 2024-06-01
    for conv in DATE_LIKES:
        f = fit(conv)
        pd.testing.assert_frame_equal(f.rate(), want.rate())
        est = f.total(conv("2025-01-01"), conv("2025-12-31"))
        assert (est.start, est.end) == (D(2025, 1, 1), D(2025, 12, 31))


def test_tables_are_indexed_by_day(quick_fit):
    for table in (quick_fit.rate(per="month"), quick_fit.cumulative()):
        assert isinstance(table.index, pd.DatetimeIndex) and table.index.name == "date"
        assert list(table.columns) == ["mean", "q05", "q25", "q50", "q75", "q95"]
        assert len(table.loc["2025"]) == 365 and len(table.loc["2024-02"]) == 29
        assert len(table.resample("MS").mean()) == 24
    # tidy tables carry datetime columns
    for table in (
        quick_fit.residuals(),
        trends.normalise(weekly_claims(), as_of_date="2025-01-01"),
    ):
        assert table["start"].dtype.kind == table["end"].dtype.kind == "M"
        assert (table["end"] >= table["start"]).all()
    picked = quick_fit.rate(dates=["2024-03-01", np.datetime64("2025-03-01")])
    assert list(picked.index.strftime("%Y-%m-%d")) == ["2024-03-01", "2025-03-01"]


def test_an_unknown_period_names_the_known_ones(quick_fit):
    with pytest.raises(DataError, match="unknown period 'fortnight'.*day, week, month"):
        quick_fit.rate(per="fortnight")


def test_cli_csv_dates_stay_iso_days(tmp_path, capsys):
    path = tmp_path / "c.csv"
    write_claims(weekly_claims(), path)
    out = tmp_path / "fit.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert cli.main(["fit", str(path), "-q", "x", "--until", "2024-12-31", "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("date,rate_mean")
    assert lines[1].startswith("2024-01-01,") and lines[-1].startswith("2024-12-31,")


# ---- 4. objects built in code are checked ----------------------------------------------------


def file_messages(tmp_path, **cells) -> list[str]:
    row = {"id": "a", "quantity": "recruits", "kind": "total", "value": "5", "start": "2025-01-01",
           "end": "2025-02-01"} | cells  # fmt: skip
    path = tmp_path / "one.csv"
    path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n")
    with pytest.raises(ClaimsFormatError) as info:
        read_claims(path)
    return [(e.column, e.message, e.hint) for e in info.value.errors]


@pytest.mark.parametrize(
    "cells",
    [
        {"kind": "rat"},
        {"value": "-5000"},
        {"value": "0"},
        {"start": "2025-03-01"},  # after the end
        {"kind": "rate", "per": "fortnight"},
        {"kind": "rate", "per": ""},
        {"qualifier": "approx"},
        {"quantity": "Recruits", "id": "no spaces!"},
        {"low": "9", "high": "7"},
    ],
)
def test_a_claim_built_in_code_gets_the_files_messages(tmp_path, cells):
    typed = {"value": 5.0, "start": D(2025, 1, 1), "end": D(2025, 2, 1)}
    for k, v in cells.items():
        typed[k] = v if k not in ("value", "low", "high") else float(v)
        if k == "start":
            typed[k] = D.fromisoformat(v)
    typed = {"id": "a", "quantity": "recruits", "kind": "total"} | typed
    with pytest.raises(ClaimsFormatError) as info:
        Claim(**typed)
    assert isinstance(info.value, trends.TrendsError)
    got = [(e.column, e.message, e.hint) for e in info.value.errors]
    assert got == file_messages(tmp_path, **cells)


def test_a_claim_built_in_code_takes_date_likes_and_file_numbers():
    c = Claim("a", "recruits", "total", "8k", start=pd.Timestamp("2025-01-01"),
              end=np.datetime64("2025-02-01"), published="2025-02-03")  # fmt: skip
    assert (c.value, c.start, c.end, c.published) == (8000.0, D(2025, 1, 1), D(2025, 2, 1),
                                                      D(2025, 2, 3))  # fmt: skip
    assert c == Claim("a", "recruits", "total", 8000.0, D(2025, 2, 1), start=D(2025, 1, 1),
                      published=D(2025, 2, 3))  # fmt: skip
    exact = Claim("b", "recruits", "total", 1234567.123456789, D(2025, 2, 1), start=D(2025, 1, 1))
    assert exact.value == 1234567.123456789  # a number keeps every bit


TOML = """
[projection]
start = 2025-01-01
recruits = "recruits"
casualties = "casualties"
[assumption.killed_missing_captured_share]
dist = "uniform"
low = 0.2
high = 0.4
source = "s"
[assumption.wounded_return_share]
dist = "uniform"
low = 0.3
high = 0.6
source = "s"
[assumption.return_delay_days]
dist = "uniform"
low = 20
high = 40
source = "s"
[assumption.held_back_share]
dist = "fixed"
value = 0.1
source = "s"
[assumption.starting_reserve]
dist = "fixed"
value = 10000
source = "s"
"""


def toml_problems(scenario: str) -> list[tuple[str, str]]:
    with pytest.raises(AssumptionsError) as info:
        parse_assumptions(TOML + scenario)
    return [(p.message, p.hint) for p in info.value.problems]


def problems(build) -> list[tuple[str, str]]:
    with pytest.raises(AssumptionsError) as info:
        build()
    return [(p.message, p.hint) for p in info.value.problems]


def test_flow_change_is_checked_with_the_files_messages():
    in_code = problems(
        lambda: trends.FlowChange("recruits", -0.7, start="2026-03-01", end="2026-01-01")
    )
    in_file = toml_problems(
        "[scenario.s]\nrecruits = { multiply = -0.7, from = 2026-03-01, until = 2026-01-01 }\n"
    )
    assert in_code == in_file and len(in_code) == 2
    (msg, hint), *_ = problems(lambda: trends.FlowChange("recruit", 0.8))
    assert "recruits or casualties" in msg and "'recruits'" in hint
    fc = trends.FlowChange("casualties", np.float64(1.3), start=pd.Timestamp("2026-01-01"))
    assert (fc.multiply, fc.start, fc.end) == (1.3, D(2026, 1, 1), None)


def test_distribution_is_checked_with_the_files_messages():
    in_code = problems(lambda: trends.Distribution("held_back_share", "uniform", low=0.5, high=1.5))
    in_file = toml_problems(
        '[scenario.s]\nheld_back_share = { dist = "uniform", low = 0.5, high = 1.5 }\n'
    )
    assert in_code == in_file
    assert (
        "did you mean 'uniform'"
        in problems(lambda: trends.Distribution("held_back_share", "unifrom", low=0.1, high=0.2))[
            0
        ][1]
    )
    assert (
        "unknown assumption 'held_back'"
        in problems(lambda: trends.Distribution("held_back", "fixed", value=0.1))[0][0]
    )
    d = trends.Distribution("return_delay_days", "uniform", low=10, high=60)
    assert d.integer  # whole days, as from a file


def test_scenario_is_checked_with_the_files_messages():
    assert problems(lambda: trends.Scenario("nothing")) == toml_problems(
        '[scenario.nothing]\ndescription = "x"\n'
    )
    assert problems(lambda: trends.Scenario("baseline", flows=[trends.FlowChange("recruits", 1)]))
    with pytest.raises(AssumptionsError, match="not a FlowChange"):
        trends.Scenario("s", flows=[("recruits", 0.5)])
    a = parse_assumptions(TOML)
    early = trends.Scenario("early", flows=[trends.FlowChange("recruits", 0.5, "2024-06-01")])
    in_file = toml_problems("[scenario.early]\nrecruits = { multiply = 0.5, from = 2024-06-01 }\n")
    assert problems(lambda: a.with_scenarios(early)) == in_file


# ---- 5 and the projection: scenarios made in code, summaries ----------------------------------


class StubFit:
    """Fixed daily paths from ``origin`` in place of a RateFit."""

    def __init__(self, paths, origin):
        self.paths, self.origin, self.n_days = paths, origin, paths.shape[1]

    def sample(self, n=None, rng=None):
        return self.paths.copy()


def stubs(days=400, lead=40):
    g = np.random.default_rng(0)
    origin = D(2025, 1, 1) - dt.timedelta(days=lead)
    return {
        "recruits": StubFit(g.uniform(800, 1200, (20, days + lead)), origin),
        "casualties": StubFit(g.uniform(900, 1300, (20, days + lead)), origin),
    }


def test_a_scenario_made_in_code_projects_as_the_same_one_in_a_file():
    until = D(2025, 12, 31)
    text = "[scenario.cut]\nrecruits = { multiply = 0.8, from = 2025-07-01 }\n"
    in_file = trends.project([], parse_assumptions(TOML + text), until, scenarios=["cut"],
                             draws=500, seed=4, fits=stubs())  # fmt: skip
    cut = trends.Scenario("cut", flows=[trends.FlowChange("recruits", 0.8, start="2025-07-01")])
    in_code = trends.project([], parse_assumptions(TOML), pd.Timestamp(until), scenarios=[cut],
                             draws=500, seed=4, fits=stubs())  # fmt: skip
    for v in ("reserve", "attrition"):
        pd.testing.assert_frame_equal(in_code.quantiles(v, "cut"), in_file.quantiles(v, "cut"))
    q = in_code.quantiles("reserve", "cut")
    assert isinstance(q.index, pd.DatetimeIndex) and len(q.loc["2025-07"]) == 31
    base = in_code.quantiles("reserve")
    assert (q.loc["2025-12", "q50"] < base.loc["2025-12", "q50"]).all()  # fewer recruits


def test_projection_summary_exports():
    p = trends.project([], parse_assumptions(TOML), "2025-06-30", draws=200, fits=stubs())
    s = p.summary()
    assert s.as_text() == str(s)
    assert s.table["date"].dtype.kind == "M" and (s.table["date"] == "2025-06-30").all()
    latex = s.as_latex()
    assert latex.startswith("\\begin{tabular}{llrrrr}") and latex.endswith("\\end{tabular}\n")
    rows = [r for r in latex.splitlines() if r.endswith("\\\\")]
    assert len(rows) == 1 + len(s.table)  # header + one row per scenario and variable
    median = s.table.loc[s.table.variable == "reserve", "q50"].iloc[0]
    assert f"baseline & reserve & {round(median):,} &" in latex
    md = s.as_markdown().splitlines()
    rows = sum(r.startswith("| ") for r in md)
    assert md[0].startswith("trends projection:") and rows == 1 + len(s.table)
    assert p._repr_html_().startswith("<div>") and "<table>" in p._repr_html_()


def test_fit_summary_and_estimate_export(quick_fit):
    s = quick_fit.summary(compare=False)
    res = s.table
    latex = s.as_latex()
    for _, r in res.iterrows():
        row = f"{r['id']} & {r['start']:%Y-%m-%d} & {r['end']:%Y-%m-%d} & {r['claimed']:,.0f} & "
        assert row in latex
    md = s.as_markdown()
    assert md.count("\n| w") == len(res)
    assert "<table>" in quick_fit._repr_html_()
    est = quick_fit.total("2025-01-01", "2025-12-31")
    d = est.to_dict()
    assert d["q50"] == est.quantiles[0.5] and d["mean"] == est.mean and d["end"] == D(2025, 12, 31)
    frame = pd.concat([est.to_frame(), quick_fit.total("2024-01-01", "2024-12-31").to_frame()])
    assert frame["start"].dt.year.tolist() == [2025, 2024]
    assert list(frame.columns) == ["quantity", "start", "end", "mean", "q05", "q25", "q50",
                                   "q75", "q95"]  # fmt: skip
    assert "<table>" in est._repr_html_()


@settings(max_examples=100, deadline=None)
@given(st.text(st.one_of(st.sampled_from("\\&%$#_{}~^\n\r a1"), st.characters()), max_size=30))
def test_latex_cells_are_escaped(text):
    """Reading the cell back escape by escape gives the text (line breaks as spaces),
    and no special character of LaTeX is left bare."""
    body = to_latex(pd.DataFrame({"c": [text]})).split("\n")[4][: -len(" \\\\")]
    words = {r"\textbackslash{}": "\\", r"\textasciitilde{}": "~", r"\textasciicircum{}": "^"}
    words |= {"\\" + ch: ch for ch in "&%$#_{}"}
    out, i = [], 0
    while i < len(body):
        word = next((w for w in words if body.startswith(w, i)), None)
        if word is None:
            assert body[i] not in "\\&%$#_{}~^", f"bare {body[i]!r} in {body!r}"
            out.append(body[i])
            i += 1
        else:
            out.append(words[word])
            i += len(word)
    assert "".join(out) == text.replace("\n", " ").replace("\r", " ")


def test_markdown_escapes_pipes_and_aligns_numbers():
    md = to_markdown(pd.DataFrame({"name": ["a|b"], "n": [1234.0]}))
    assert md.splitlines() == ["| name | n |", "|---|---:|", "| a\\|b | 1,234 |"]


# ---- 8. layout: data flows one way -------------------------------------------------------

#: Modules by layer, lowest first: a module may import its own layer and those below.
LAYERS = [
    {"errors", "files", "limits", "rng", "units", "linalg", "tables", "styles"},
    {"claims", "quantities"},
    {"observe", "assumptions", "extract"},
    {"model", "stockflow"},
    {"projection", "backtest"},
    {"plot"},
    {"report", "api"},
    {"cli", "__main__"},
]


def test_no_module_imports_a_higher_layer():
    import ast

    layer = {m: i for i, mods in enumerate(LAYERS) for m in mods}
    wrong = []
    for path in sorted((REPO / "trends").glob("*.py")):
        name = path.stem
        if name not in layer:
            continue  # the package's __init__ (lazy) and modules not placed yet
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                targets = [node.module] if node.module else [a.name for a in node.names]
                for t in targets:
                    t = t.split(".")[0]
                    if t in layer and layer[t] > layer[name]:
                        wrong.append(f"{name} imports {t}")
    assert wrong == []


def test_a_series_with_a_datetime_index_imports_as_with_dates():
    days = [D(2025, 1, 1) + dt.timedelta(days=i) for i in range(5)]
    values = [10.0, 12.0, 12.0, 20.0, 21.0]
    plain = series_to_claims(pd.Series(values, index=days), "x", origin=days[0])
    stamped = series_to_claims(
        pd.Series(values, index=pd.DatetimeIndex(days)), "x", origin=pd.Timestamp(days[0])
    )
    assert stamped == plain and sum(c.value for c in plain) == 21.0


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 5).flatmap(lambda n: st.tuples(*(claim_strategy(f"c{i}") for i in range(n)))),
    st.booleans(),
)
def test_claims_round_trip_through_a_dataframe_property(claims, stamps):
    """Claims -> a DataFrame of their fields (dates as date objects or as datetime64
    columns with NaT, numbers as floats, None as NaN) -> the same claims."""
    frame = claims_frame(claims).drop(columns="row")
    if stamps:
        for col in ("start", "end", "published"):
            frame[col] = pd.to_datetime(frame[col])
    for col in ("low", "high"):
        frame[col] = frame[col].astype(float)
    got = read_claims(frame)
    assert [c.row for c in got] == list(range(len(claims)))
    assert [dataclasses.replace(c, row=None) for c in got] == list(claims)
