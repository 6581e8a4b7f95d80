"""The equal pay audit report seam (notebook 40): findings, tables, notes, escaping, vocabulary."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from notebook_checks import finding

from research import audit  # noqa: E402
from research.audit.report import EqualPayAuditReport, build  # noqa: E402
from research.core.checks import InputError  # noqa: E402
from research.core.source import Source  # noqa: E402
from research.data import synth  # noqa: E402
from research.present.formats import fmt_pct  # noqa: E402
from research.present.report import Figure, Note  # noqa: E402

HOSTILE = "<img src=x onerror=alert(1)>"
C = "[c]"


@pytest.fixture(scope="module")
def data():
    return synth.generate(1500, seed=4)


@pytest.fixture(scope="module")
def report(data):
    return build(data, source=Source("synthetic", "Synthetic council", "GBP"))


def test_report_shape_and_title(report):
    assert isinstance(report, EqualPayAuditReport)
    assert [s.key for s in report.sections] == [
        "coverage",
        "groups",
        "gaps",
        "factors",
        "logib",
        "actions",
        "disclosure",
    ]
    names = {item.name for item in report.items()}
    assert {
        "audit_coverage",
        "audit_groups",
        "audit_mean_gaps",
        "audit_basic_gaps",
        "audit_basic_detail",
        "audit_receipt",
        "audit_factors",
        "audit_logib",
        "audit_actions",
    } <= names
    assert report.title.topic == "Equal pay audit"
    assert ("Equal work identified by", "the same grade") in report.title.details


def test_findings_state_the_numbers_of_the_results(report):
    result = report.results["audit"]
    groups = finding(report, "groups")
    assert groups.value == result.n_groups
    n_cmp = result.comparable(10)["group"].nunique()
    assert f"within {result.n_groups} groups (employees in the same grade)" in groups.text
    assert f"{n_cmp} of them have at least 10 women and 10 men" in groups.text
    logib = report.results["logib"]
    sentence = finding(report, "logib")
    assert sentence.value == logib.kennedy and sentence.ci == logib.ci
    assert sentence.text.startswith(
        "Taking grade, length of service and potential experience into account, women are paid "
        f"{fmt_pct(abs(logib.kennedy))} less than men"
    )
    assert f"Logib rating: {logib.rating}." in sentence.text
    actions = finding(report, "actions")
    assert actions.value == len(result.action_list(10))
    assert not any("**" in text for text in report.findings.texts())  # no markdown


def test_largest_gap_finding_matches_the_audit(report):
    result = report.results["audit"]
    t = result.comparable(10)
    basic = t[(t["element"] == "basic") & (t["stat"] == "mean") & t["flag_gap"]]
    top = basic.loc[basic["gap"].abs().idxmax()]
    sentence = finding(report, "largest_gap")
    assert sentence.value == pytest.approx(top["gap"])
    assert f"the largest is in {top['group']} ({fmt_pct(top['gap'])}" in sentence.text


def test_tables_have_captions_labels_and_grade_order(report):
    groups = report.table("audit_groups")
    n = report.results["audit"].n_groups
    assert groups.caption.startswith(f"The {n} equal-work groups and their headcounts")
    assert [c.label for c in groups.columns] == [
        "Equal-work group",
        "Basis of comparison",
        "Women",
        "Men",
    ]
    labels = list(groups.data["group"])
    assert labels == sorted(labels) and labels[0].startswith("01. ")
    assert set(groups.data["basis"]) == {"same grade"}
    gaps = report.table("audit_mean_gaps")
    assert [c.label for c in gaps.columns][:5] == [
        "Equal-work group",
        "Women",
        "Men",
        "Gap: basic pay (%)",
        "Gap: hourly pay (%)",
    ]
    assert gaps.column("gap_basic").format == "float1"
    assert report.table("audit_basic_detail").column("mean_female").label == "Women: mean"


def test_small_groups_are_suppressed(report):
    groups = report.table("audit_groups").data
    for column in ("n_female", "n_male"):
        for value in groups[column]:
            assert value == C or value == 0 or value >= 10
    gaps = report.table("audit_mean_gaps").data
    result = report.results["audit"].table
    bonus = result[(result["element"] == "bonus") & (result["stat"] == "mean")].set_index("group")
    small = bonus[bonus[["n_female", "n_male"]].min(axis=1) < 10].index
    assert len(small)
    assert (gaps.set_index("group").loc[small, "gap_bonus"] == C).all()
    coverage = report.table("audit_coverage").data
    assert list(coverage["working_pattern"]) == ["full time", "part time", "Total"]


def test_figure_has_alt_text_from_the_data_and_a_table(report):
    figure = report.figure("audit_basic_gaps")
    assert isinstance(figure, Figure) and figure.table == "audit_mean_gaps"
    n = report.results["audit"].comparable(10)
    n = n[(n["element"] == "basic") & (n["stat"] == "mean")]
    assert f"in each of {len(n)} equal-work groups with at least 10 women" in figure.alt
    assert f"{int(n['flag_gap'].sum())} group(s) reach 5%" in figure.alt


def test_absent_service_experience_hours_and_bonus_are_said_to_be_absent(data):
    bare = data.drop(columns=["start_date", "age_band", "weekly_hours", "bonus_12m"])
    report = build(bare)
    sentence = finding(report, "logib").text
    assert sentence.startswith("Taking grade into account, women are paid")
    assert "length of service" not in sentence and "experience" not in sentence
    absent = finding(report, "logib_absent").text
    assert absent == (
        "Not in the data, so not taken into account by the regression: length of service "
        "(no start dates) and experience (no ages)."
    )
    logib = report.table("audit_logib")
    assert logib.caption.endswith("basic pay on grade and sex")
    assert any(
        note.startswith("Not in the data, so not in the model: length of service")
        for note in logib.notes
    )
    factors = report.table("audit_factors")
    assert "service" not in factors.caption and "hours" not in factors.caption
    assert "age" not in factors.caption
    assert not any(k.startswith(("service_", "hours_", "age_")) for k in factors.data.columns)
    assert "Length of service: not in the data (no start dates)." in factors.notes
    assert "Contracted hours: not in the data (no weekly hours)." in factors.notes
    assert "Age: not in the data (no age bands)." in factors.notes
    receipt = report["audit_receipt"]
    assert isinstance(receipt, Note)
    assert receipt.text.startswith("Allowances, overtime pay and bonus pay are not in the data")
    checks = report.results["audit"].action_list(10)["check"]
    assert len(checks)
    for check in checks:
        # service, age and hours were not computed: never said to be checked, always named absent
        head, _, tail = check.partition("Not in the data:")
        assert "service" not in head and "hours" not in head and "age" not in head.lower()
        assert tail == " length of service, age and hours."


def test_logib_off_is_a_note_and_a_finding(data):
    report = build(data, run_logib=False)
    assert isinstance(report["audit_logib"], Note)
    assert "run_logib is off" in finding(report, "logib").text
    assert report.results["logib"] is None


def test_rated_as_equivalent_only_from_a_job_mapping(data, report):
    assert "rated as equivalent" not in " ".join(report.findings.texts())
    assert set(report.table("audit_groups").data["basis"]) == {"same grade"}
    assert "not as work rated as equivalent" in report["audit_grouping"].text
    jobs = sorted(data["occupation"].astype(str).unique())
    mapping = pd.DataFrame(
        {
            "job": jobs,
            "group": ["G1" if i % 2 else "G2" for i in range(len(jobs))],
            "basis": ["rated as equivalent" if i % 2 else "equal value" for i in range(len(jobs))],
        }
    )
    mapping.attrs["source"] = "jobs.csv"
    mapped = build(data, job_mapping=mapping)
    groups = mapped.table("audit_groups").data.set_index("group")
    assert groups.loc["G1", "basis"] == "rated as equivalent"
    assert groups.loc["G2", "basis"] == "equal value"
    text = finding(mapped, "groups").text
    assert (
        "(jobs grouped by the job mapping jobs.csv: 1 group of work of equal value and 1 group of "
        "work rated as equivalent)" in text
    )


def test_many_grades_are_pooled_into_bands(data):
    report = build(data, max_grade_groups=4, run_logib=False)
    assert ("Equal work identified by", "bands of neighbouring grades") in report.title.details
    assert all(g.startswith("ranks ") for g in report.table("audit_groups").data["group"])
    assert "(employees in bands of neighbouring grades)" in finding(report, "groups").text


def test_no_grades_means_no_grade_grouping(data):
    bare = data.assign(grade=pd.NA, grade_rank=pd.NA)
    with pytest.raises(InputError, match="records no grades") as error:
        build(bare, group_by="grade")
    assert "grade_group" not in str(error.value)
    report = build(bare, group_by="occupation")
    assert "occupation group" in finding(report, "logib").text


def test_hostile_labels_are_escaped(data):
    hostile = data.assign(
        occupation=np.where(data["occupation"] == data["occupation"].iloc[0], HOSTILE, "x")
    )
    report = build(hostile, group_by="occupation", run_logib=False)
    assert HOSTILE in report.table("audit_groups").data["group"].tolist()
    html = report._repr_html_()
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# --------------------------------------------------------------------------- vocabulary


def test_audit_and_logib_take_by_reference_compare(data):
    renamed = data.rename(columns={"sex": "gender"}).assign(
        gender=lambda d: d["gender"].map({"F": "woman", "M": "man"}).fillna("other")
    )
    default = audit.equal_pay_audit(data, group_by="grade")
    generic = audit.equal_pay_audit(
        renamed, group_by="grade", by="gender", reference="man", compare="woman"
    )
    pd.testing.assert_frame_equal(default.table, generic.table)
    assert list(default.action_list(10)["check"]) == list(generic.action_list(10)["check"])
    frame = audit.workforce_logib_frame(data)
    one = audit.logib_regression(frame, education=None, categorical=("requirement",))
    two = audit.logib_regression(
        frame, education=None, categorical=("requirement",), by="sex", reference="M", compare="F"
    )
    assert one.coef == two.coef
    swapped = audit.logib_regression(
        frame, education=None, categorical=("requirement",), reference="F", compare="M"
    )
    assert swapped.coef == pytest.approx(-one.coef)
    renamed_frame = audit.workforce_logib_frame(renamed, by="gender")
    three = audit.logib_regression(
        renamed_frame,
        education=None,
        categorical=("requirement",),
        by="gender",
        reference="man",
        compare="woman",
    )
    assert three.coef == pytest.approx(one.coef, rel=1e-12)
