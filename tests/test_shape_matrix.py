"""The data-shape matrix: every topic report on every shape of extract (issue 13, item 10).

A shape (:data:`research.data.synth.SHAPES`) leaves out what real extracts often lack (hours,
grades, dates, ages, bonus, diversity), blanks grades, adds sex codes X and U, renames units
between years, or gives units hostile names. For every shape and every topic's ``build`` the
report either builds or refuses with a clear :class:`~research.core.checks.InputError` (never an
AttributeError, KeyError, ...), and where the generator knows the answer
(:class:`~research.data.synth.ShapeTruth`) the key findings are checked against it: annual-only
data lead with "hours are not in the data" and never call pay hourly; the grade index is computed
on every recorded grade; an audit names only the factors it used.

Combinations that fail today because a topic is not fixed yet are marked
``xfail(strict=True)`` in :data:`KNOWN_FAILURES`: once a topic is fixed they fail as XPASS, and
the mark must be removed. The last tests run each notebook (00-50, 11, 12) once on the hardest shape.
"""

from __future__ import annotations

import html
import importlib
import re
from functools import cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from notebook_checks import NOTEBOOKS  # noqa: E402

from research.core.checks import InputError  # noqa: E402
from research.data import datasets, snapshots, synth  # noqa: E402
from research.data.structures import example_structure, read_structure  # noqa: E402
from research.data.truth import synthetic_truth  # noqa: E402
from research.present.report import Figure, Report, Table  # noqa: E402
from research.run.runner import run_notebook  # noqa: E402

N, SEED = 600, 11
SHAPES = (*synth.SHAPES, synth.HARDEST)
TOPICS = (
    "data_audit",
    "paygap",
    "segregation",
    "decomposition",
    "audit",
    "paystructure",
    "seniorpay",
    "flows",
    "diversity",
)
PAY_TOPICS = ("paygap", "decomposition", "audit", "paystructure", "diversity")
ANNUAL = tuple(
    s for s in SHAPES if not synth.make_shape(s).hours
)  # annual_only, annual_with_pattern, minimal, hardest
GRADED = tuple(s for s in SHAPES if synth.make_shape(s).grades)
NO_GRADES = tuple(s for s in SHAPES if not synth.make_shape(s).grades)
BLANK = tuple(
    s for s in SHAPES if synth.make_shape(s).blank_grades or synth.make_shape(s).null_tokens
)
HOSTILE = tuple(s for s in SHAPES if synth.make_shape(s).hostile_titles)
OTHER_SEX = tuple(s for s in SHAPES if synth.make_shape(s).other_sex_share)

#: (check, shape, topic) -> why it fails today. Each becomes xfail(strict=True). Empty since the
#: issue 13 branches were merged: every shape x topic combination passes.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {}


#: (shape, topic) -> why the report refuses: the only refusals expected. Any other InputError
#: (a disclosure audit that cannot place a blank, ...) fails the matrix.
EXPECTED_REFUSALS: dict[tuple[str, str], str] = {
    ("no_grades", "paystructure"): "no grade",
    ("minimal", "paystructure"): "no grade",
    ("many_grades", "paystructure"): "the grade_map does not cover",  # 45 spinal-point grades
}


def marks(check: str, shape: str, topic: str) -> list:
    reason = KNOWN_FAILURES.get((check, shape, topic))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def cases(check: str, shapes, topics) -> list:
    return [
        pytest.param(shape, topic, marks=marks(check, shape, topic), id=f"{shape}-{topic}")
        for shape in shapes
        for topic in topics
    ]


# --------------------------------------------------------------------------------------------------
# Building each report once per shape
# --------------------------------------------------------------------------------------------------


def spec(shape: str) -> str:
    return f"synthetic:n_employees={N},seed={SEED},shape={shape}"


@cache
def dataset(shape: str) -> datasets.Dataset:
    return datasets.load_dataset(spec(shape))


@cache
def known(shape: str) -> synth.ShapeTruth:
    shaped = synth.generate_with_truth(N, seed=SEED, shape=shape)
    assert shaped.data["employee_id"].equals(dataset(shape).data["employee_id"])
    return shaped.truth


def _build(topic: str, ds: datasets.Dataset) -> Report:
    build = importlib.import_module(f"research.{topic}.report").build
    data, source = ds.data, ds.source
    if topic == "data_audit":
        return build(data, source=source, ingest=ds.summary, quarantine=ds.quarantine)
    if topic == "paygap":
        return build(data, source=source, n_boot=0)
    if topic == "segregation":
        earlier = snapshots.earlier_snapshot(ds, "auto")
        return build(
            data,
            source=source,
            earlier=earlier.data,
            earlier_label=earlier.label,
            earlier_reason=earlier.reason,
            n_boot=0,
        )
    if topic == "decomposition":
        return build(data, source=source, truth=synthetic_truth(ds), n_boot=20)
    if topic in ("audit", "seniorpay", "diversity"):
        return build(data, source=source)
    if topic == "flows":  # one snapshot: hire cohorts, service, and what is missing
        return build(data, source=source, n_boot=0)
    return build(data, read_structure(example_structure("synthetic")), source=source)


@cache
def outcome(shape: str, topic: str) -> Report | Exception:
    """The topic's report on the shape, or the exception its build raised."""
    try:
        return _build(topic, dataset(shape))
    except Exception as err:  # noqa: BLE001 - the matrix records what happened
        return err
    finally:
        plt.close("all")


def report_or_refusal(shape: str, topic: str) -> Report | InputError:
    """The report, or the InputError it refused with; any other exception fails the test."""
    result = outcome(shape, topic)
    if isinstance(result, Exception) and not isinstance(result, InputError):
        raise AssertionError(f"{topic} on {shape}: {type(result).__name__}: {result}") from result
    return result


@cache
def page(shape: str, topic: str) -> str:
    """Everything the report shows as HTML (figures by their alt text, not their pixels)."""
    report = outcome(shape, topic)
    parts = [report.title.to_html(), report.findings.to_html()]
    for item in report.items():
        parts.append(html.escape(item.alt) if isinstance(item, Figure) else item.to_html())
    return "\n".join(parts)


def words(shape: str, topic: str) -> str:
    """The page as plain text, lower case."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page(shape, topic))).lower()


NEGATION = re.compile(r"\b(not|no|cannot|without|neither|nor)\b|n't")
#: The end of a sentence: a full stop followed by white space (not the point of "7.5%").
SENTENCE_END = re.compile(r"(?<=\.)\s+")
#: Text within one sentence: anything but a full stop, or a decimal point ("45 of 600 (7.5%)").
IN_SENTENCE = r"(?:[^.]|\.(?=\d))*"


def says_no_hours(text: str) -> bool:
    text = text.lower()
    return "hours" in text and bool(NEGATION.search(text))


# --------------------------------------------------------------------------------------------------
# Every shape x every topic: a report or a clear refusal
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "topic"), cases("builds", SHAPES, TOPICS))
def test_every_topic_builds_or_refuses_clearly(shape, topic):
    result = report_or_refusal(shape, topic)
    if isinstance(result, InputError):
        message = str(result)
        assert len(message) > 30 and "grade_group" not in message, message
        assert EXPECTED_REFUSALS.get((shape, topic), "not expected") in message, message
        return
    assert (shape, topic) not in EXPECTED_REFUSALS
    assert len(result.findings) > 0
    assert page(shape, topic)


# --------------------------------------------------------------------------------------------------
# Annual pay only: say so first, never call it hourly, lead with what was compared
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "topic"), cases("first_finding_no_hours", ANNUAL, PAY_TOPICS))
def test_annual_only_reports_lead_with_hours_not_in_the_data(shape, topic):
    result = report_or_refusal(shape, topic)
    if isinstance(result, InputError):
        # a refusal names what is missing: the hours, or (without grades) the grades
        message = str(result).lower()
        assert "hour" in message or (shape in NO_GRADES and "no grade" in message), message
        return
    first = result.findings.texts()[0]
    assert says_no_hours(first), first


@pytest.mark.parametrize(("shape", "topic"), cases("audit_says_no_hours", ANNUAL, ["data_audit"]))
def test_the_data_audit_says_hours_are_not_in_the_data(shape, topic):
    result = report_or_refusal(shape, topic)
    assert any(says_no_hours(t) for t in result.findings.texts()), result.findings.texts()


@pytest.mark.parametrize(
    ("shape", "topic"), cases("never_hourly", ANNUAL, ("data_audit", *PAY_TOPICS))
)
def test_annual_only_reports_never_call_pay_hourly(shape, topic):
    result = report_or_refusal(shape, topic)
    if isinstance(result, InputError):
        return
    for text in result.findings.texts():
        if "hourly" in text.lower():
            assert NEGATION.search(text.lower()), text


@pytest.mark.parametrize(
    ("shape", "topic"), cases("annual_gap", ("annual_only", synth.HARDEST), ["paygap"])
)
def test_annual_only_pay_gap_is_the_gap_in_recorded_annual_pay(shape, topic):
    report = report_or_refusal(shape, topic)
    truth = known(shape)
    gaps = [f for f in report.findings if f.value is not None and "annual" in f.text.lower()]
    assert any(abs(f.value - truth.median_gap) < 0.05 for f in gaps), (
        truth.median_gap,
        report.findings.texts(),
    )


@pytest.mark.parametrize(
    ("shape", "topic"), cases("full_time_leads", ["annual_with_pattern"], ["paygap"])
)
def test_with_a_working_pattern_the_full_time_gap_leads(shape, topic):
    report = report_or_refusal(shape, topic)
    truth = known(shape)
    assert abs(truth.median_gap - truth.full_time_median_gap) > 3  # part-timers move the gap
    lead = next(f for f in report.findings if f.value is not None)
    assert "full-time" in lead.text.lower() or "full time" in lead.text.lower(), lead.text
    assert lead.value == pytest.approx(truth.full_time_median_gap, abs=0.05), lead.text


# --------------------------------------------------------------------------------------------------
# Grades: indices on every recorded grade; blank and absent grades said
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "topic"), cases("grade_D", GRADED, ["segregation"]))
def test_grade_D_is_the_index_on_every_recorded_grade(shape, topic):
    report = report_or_refusal(shape, topic)
    finding = next(f for f in report.findings if f.key == "D_grades")
    assert finding.value == pytest.approx(known(shape).grade_D, abs=1e-9), finding.text


@pytest.mark.parametrize(
    ("shape", "topic"), cases("no_grades_said", NO_GRADES, ["data_audit", "segregation"])
)
def test_data_without_grades_say_so(shape, topic):
    report = report_or_refusal(shape, topic)
    text = words(shape, topic)
    assert re.search(r"no grades|grades? (are|is) not (in the data|recorded)", text), (
        report.findings.texts()
    )


@pytest.mark.parametrize(
    ("shape", "topic"), cases("blank_grades_counted", BLANK, ["data_audit", "segregation"])
)
def test_blank_grades_are_counted_as_not_recorded(shape, topic):
    report_or_refusal(shape, topic)
    n = known(shape).n_blank_grades
    if topic == "segregation":  # compares women and men: their blank grades are counted
        data = dataset(shape).data
        n = int((data["grade"].isna() & data["sex"].astype(str).isin(["F", "M"])).sum())
        assert 0 < n <= known(shape).n_blank_grades
    text = words(shape, topic)
    assert "not recorded" in text or "blank" in text
    assert re.search(rf"\b{n:,}\b{IN_SENTENCE}\b(grade|not recorded|blank)", text), n


# --------------------------------------------------------------------------------------------------
# The audit names only what it used; other checks of wording
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "topic"), cases("audit_factors", ["no_dates_ages"], ["audit"]))
def test_the_audit_names_only_the_factors_it_used(shape, topic):
    report = report_or_refusal(shape, topic)
    for text in report.findings.texts():
        lowered = text.lower()
        if "service" in lowered or "experience" in lowered:
            assert NEGATION.search(lowered), text


@pytest.mark.parametrize(("shape", "topic"), cases("equivalent", SHAPES, ["audit"]))
def test_without_job_evaluation_nothing_is_rated_as_equivalent(shape, topic):
    """No group is called work rated as equivalent: the words appear only where the report says
    that groups are *not* so described, or quotes the Equality Act's definition of equal work."""
    result = report_or_refusal(shape, topic)
    if isinstance(result, InputError):
        return
    for item in result.items():
        if isinstance(item, Table):
            cells = item.data.astype(str).to_numpy().ravel()
            assert not [c for c in cells if "rated as equivalent" in c.lower()], item.name
    for sentence in SENTENCE_END.split(words(shape, topic)):
        if "rated as equivalent" in sentence:
            assert NEGATION.search(sentence) or "as defined in" in sentence, sentence
    if shape in GRADED:
        assert "same grade" in words(shape, topic)


@pytest.mark.parametrize(("shape", "topic"), cases("no_bonus", ["no_bonus"], PAY_TOPICS))
def test_absent_bonus_is_not_in_the_data_never_zero(shape, topic):
    result = report_or_refusal(shape, topic)
    if isinstance(result, InputError):
        return
    for text in result.findings.texts():
        if "bonus" in text.lower():
            assert NEGATION.search(text.lower()), text


@pytest.mark.parametrize(("shape", "topic"), cases("crosswalk", ["renamed_units"], ["segregation"]))
def test_renamed_units_are_explained_with_a_crosswalk_suggestion(shape, topic):
    report_or_refusal(shape, topic)
    assert "crosswalk" in words(shape, topic)


@pytest.mark.parametrize(("shape", "topic"), cases("other_sex_counted", OTHER_SEX, TOPICS))
def test_other_sex_codes_are_counted(shape, topic):
    result = report_or_refusal(shape, topic)
    if isinstance(result, InputError):
        return
    n = known(shape).n_other_sex
    assert re.search(rf"\b{n:,}\b{IN_SENTENCE}\b(sex|gender)\b", words(shape, topic)), n


@pytest.mark.parametrize(("shape", "topic"), cases("escaped", HOSTILE, TOPICS))
def test_hostile_unit_names_come_out_escaped(shape, topic):
    result = report_or_refusal(shape, topic)
    if isinstance(result, InputError):
        return
    shown = page(shape, topic)
    assert "<img" not in shown and "<b>" not in shown


# --------------------------------------------------------------------------------------------------
# Workforce flows on linked snapshots of a shape (one snapshot is covered above)
# --------------------------------------------------------------------------------------------------

LINKED_SHAPES = ("no_grades", "many_grades", synth.HARDEST)


@pytest.mark.parametrize("shape", LINKED_SHAPES)
def test_flows_on_linked_snapshots_of_every_hard_shape(shape):
    from research.data.longitudinal import link
    from research.data.synth_flows import generate_flows
    from research.flows.report import build

    linked = generate_flows(N * 2, years=3, seed=SEED, shape=shape)
    found = link(linked.data, linked.events)
    report = build(linked.data, moves=found.moves, linkage=found.linkage.counts, n_boot=0)
    plt.close("all")
    keys = {f.key for f in report.findings}
    assert "turnover" in keys
    recorded = synth.make_shape(shape)
    assert ("projection_top_share" in keys) == recorded.grades
    if recorded.other_sex_share:
        assert any(f.key == "other_sex" for f in report.findings)
    if recorded.grades and recorded.blank_grades:  # counted, so grades add up to the total
        grades = report["flows_by_grade"].data
        assert "Grade not recorded" in set(grades["band"])
    assert synth.HOSTILE_TITLE not in report._repr_html_()


# --------------------------------------------------------------------------------------------------
# Each notebook once on the hardest shape: annual-only, blank grades, sex X/U, hostile title
# --------------------------------------------------------------------------------------------------

NOTEBOOK_PARAMETERS = {
    "00_data_audit": {},
    "10_pay_gap": {"n_boot": 0},
    "20_segregation": {"n_boot": 0},
    "30_decomposition": {"n_boot": 20},
    "40_equal_pay_audit": {},
    "50_pay_structure_eia": {},
    "11_ethnicity_disability_pay_gap": {},
    "12_senior_pay": {},
    "70_workforce_flows": {"n_boot": 0},
}
#: Notebooks that fail on the hardest shape today (none since the issue 13 merge).
NOTEBOOK_FAILURES: dict[str, str] = {}


@pytest.mark.notebook
@pytest.mark.parametrize(
    "stem",
    [
        pytest.param(
            stem,
            marks=[pytest.mark.xfail(strict=True, reason=NOTEBOOK_FAILURES[stem])]
            if stem in NOTEBOOK_FAILURES
            else [],
        )
        for stem in NOTEBOOK_PARAMETERS
    ],
)
def test_every_notebook_runs_on_the_hardest_shape(stem, tmp_path):
    parameters = {"dataset": spec(synth.HARDEST), **NOTEBOOK_PARAMETERS[stem]}
    run = run_notebook(NOTEBOOKS / f"{stem}.ipynb", parameters, reports=tmp_path, index=False)
    assert run.ok, run.error
    shown = run.html.read_text(encoding="utf-8")
    assert synth.HOSTILE_TITLE not in shown
    for table in (run.run_dir / "tables").glob("*.csv"):  # formula-like text neutralised
        cells = pd.read_csv(table, dtype=str, keep_default_na=False).to_numpy().ravel()
        assert not [c for c in cells if c.startswith("=")], table.name


# --------------------------------------------------------------------------------------------------
# The crosswalk of renamed units links every earlier unit to a current one
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", list(synth.RENAMED_UNITS))
def test_the_renamed_units_crosswalk_matches_every_earlier_unit(tmp_path, level):
    ds = dataset("renamed_units")
    before = snapshots.earlier_snapshot(ds, "auto").data[level].astype(str)
    plain = snapshots.earlier_snapshot(dataset("complete"), "auto").data[level].astype(str)
    assert set(before) - set(ds.data[level].astype(str))  # renamed units match no current one
    crosswalk = snapshots.load_crosswalk(synth.export_crosswalk(tmp_path / "units.csv"))
    assert before.replace(crosswalk).tolist() == plain.tolist()
