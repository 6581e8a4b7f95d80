"""No report is built from a dataset or subset with fewer women or men than the threshold."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from research.audit.report import build as audit_report  # noqa: E402
from research.data import synth  # noqa: E402
from research.data.structures import example_structure, read_structure  # noqa: E402
from research.data_audit.report import build as data_audit_report  # noqa: E402
from research.decomposition.report import build as decomposition_report  # noqa: E402
from research.paygap.report import build as paygap_report  # noqa: E402
from research.paystructure.report import build as paystructure_report  # noqa: E402
from research.present.disclosure import TooFewToPublish, check_population  # noqa: E402
from research.segregation.report import build as segregation_report  # noqa: E402

BUILDS = {
    "data_audit": lambda d: data_audit_report(d),
    "paygap": lambda d: paygap_report(d, n_boot=0),
    "segregation": lambda d: segregation_report(d, n_boot=0),
    "decomposition": lambda d: decomposition_report(d, n_boot=0),
    "audit": lambda d: audit_report(d),
    "paystructure": lambda d: paystructure_report(
        d, read_structure(example_structure("synthetic"))
    ),
}


@pytest.fixture(scope="module")
def few_men():
    data = synth.generate(400, seed=4)
    men = data.index[data["sex"] == "M"]
    return data.drop(men[3:])  # 3 men left


@pytest.mark.parametrize("topic", sorted(BUILDS))
def test_every_report_refuses_fewer_men_than_the_threshold(topic, few_men):
    with pytest.raises(TooFewToPublish, match="fewer than 10 men") as caught:
        BUILDS[topic](few_men)
    assert "3" not in str(caught.value), "the refusal must not disclose the small count"


def test_one_employee_is_refused_naming_both_groups():
    one = synth.generate(400, seed=4).head(1)
    with pytest.raises(TooFewToPublish, match="fewer than 10 women and men"):
        check_population(one)


def test_a_lower_threshold_is_honoured(few_men):
    check_population(few_men, 3)
    with pytest.raises(TooFewToPublish):
        check_population(few_men, 4)


def test_sentences_never_state_a_small_count_of_other_sex():
    data = synth.generate(3000, seed=4)
    data["sex"] = data["sex"].astype("string")
    data.loc[data.index[:4], "sex"] = "X"  # 4 people recorded as neither
    texts = [
        *segregation_report(data, n_boot=0).findings.texts(),
        *audit_report(data).findings.texts(),
        *data_audit_report(data).findings.texts(),
        *paygap_report(data, n_boot=0).findings.texts(),
    ]
    other = [t for t in texts if "another or no recorded sex" in t]
    assert len(other) >= 3, texts
    assert all("fewer than 10" in t.lower() and " 4 " not in t for t in other), other
    quality = data_audit_report(data)["quality_warnings"].to_frame()
    sex_row = quality[quality["check"] == "Sex recorded other than F or M"]
    assert sex_row["n_rows"].tolist() == ["[c]"] and sex_row["pct_rows"].tolist() == ["[c]"]
