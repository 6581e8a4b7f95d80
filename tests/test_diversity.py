"""Ethnicity and disability pay gaps (issue 15): hand-computed measures, thresholds, combining
small groups, relabelling invariance, the GSS code list, and recovery of the synthetic truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.core.checks import InputError
from research.core.source import Source
from research.data import codes, schema, synth, synth_diversity
from research.data.mapping import MappingError, mapping_from_dict
from research.diversity import groups as dg
from research.paygap.quartiles import band_counts, band_sizes

WB = schema.WHITE_BRITISH


def frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (ethnicity, hourly, bonus) with sex alternating F, M."""
    data = pd.DataFrame(rows, columns=["ethnicity", "hourly_pay", "bonus_12m"])
    data["sex"] = ["F", "M"] * (len(data) // 2) + ["F"] * (len(data) % 2)
    data["full_pay"] = pd.array([True] * len(data), dtype="boolean")
    return data


# --- the hand-computed case ------------------------------------------------------------------------
# White British 10, 20, 30 (mean 20, median 20); Asian (Indian, Pakistani) 12, 16 (mean 14);
# Black (African) 18 and Mixed (Other Mixed) 9: one each, combined; two not disclosed.
HAND = [
    (WB, 10, 100),
    (WB, 20, 0),
    (WB, 30, 0),
    ("Indian", 12, 50),
    ("Pakistani", 16, 0),
    ("African", 18, 0),
    ("Other Mixed", 9, 0),
    ("Prefer not to say", 50, 0),
    (None, 60, 0),
]


@pytest.fixture
def hand() -> dg.GroupGaps:
    data = frame(HAND)
    return dg.group_gaps(
        data, dg.ethnicity_groups(data), "White British", characteristic="ethnicity", min_group=2
    )


def test_mean_and_median_gaps_by_hand(hand):
    gaps = hand.gaps.set_index("group")
    assert gaps.loc["Asian", "mean_gap"] == pytest.approx(100 * (20 - 14) / 20)
    assert gaps.loc["Asian", "median_gap"] == pytest.approx(100 * (20 - 14) / 20)
    combined = "Black and Mixed combined"
    assert gaps.loc[combined, "mean_gap"] == pytest.approx(100 * (20 - 13.5) / 20)
    assert gaps.loc[combined, "members"] == ("Black", "Mixed")
    assert gaps.loc["All other groups", "mean_gap"] == pytest.approx(100 * (20 - 13.75) / 20)
    assert gaps.loc["All other groups", "median_gap"] == pytest.approx(100 * (20 - 14) / 20)
    assert gaps.loc["Asian", "n"] == 2 and not gaps.loc["Asian", "robust"]
    assert "Black and Mixed each have fewer than 2" in hand.combination


def test_representation_and_share_not_disclosed_by_hand(hand):
    rep = hand.representation.set_index("group")
    assert rep["n"].to_dict() == {
        "White British": 3,
        "Asian": 2,
        "Black": 1,
        "Mixed": 1,
        "Not disclosed": 2,
    }
    assert rep.loc["Asian", "pct_all"] == pytest.approx(100 * 2 / 9)
    assert rep.loc["Asian", "pct_disclosed"] == pytest.approx(100 * 2 / 7)
    assert hand.n_not_disclosed == 2 and hand.pct_not_disclosed == pytest.approx(100 * 2 / 9)


def test_pay_quarters_by_hand(hand):
    # groups of fewer than 4 x min_group are not shown by quarter: only the reference here
    assert list(hand.quarters.columns) == ["band", "n", "White British"]
    # 7 recorded, bands 2, 2, 2, 1: (9 Mixed, 10 WB), (12 A, 16 A), (18 Black, 20 WB), (30 WB)
    assert hand.quarters["n"].tolist() == [2, 2, 2, 1]
    assert hand.quarters["White British"].tolist() == pytest.approx([50, 0, 50, 100])


def test_pay_quarters_of_two_groups_by_hand():
    # bands of 2: (10 WB, 11 A), (12 A, 13 A), (20 WB, 30 WB), (40 WB, 45 A)
    data = frame(
        [(WB, h, 0) for h in (10, 20, 30, 40)] + [("Indian", h, 0) for h in (11, 12, 13, 45)]
    )
    result = dg.group_gaps(
        data, dg.ethnicity_groups(data), "White British", characteristic="ethnicity", min_group=1
    )
    assert result.quarters["White British"].tolist() == pytest.approx([50, 0, 100, 50])
    assert result.quarters["Asian"].tolist() == pytest.approx([50, 100, 0, 50])


def test_bonus_measures_by_hand(hand):
    gaps = hand.gaps.set_index("group")
    assert gaps.loc["Asian", "pct_bonus"] == pytest.approx(50.0)
    assert gaps.loc["Asian", "pct_bonus_reference"] == pytest.approx(100 / 3)
    assert gaps.loc["Asian", "mean_bonus_gap"] == pytest.approx(50.0)
    assert pd.isna(gaps.loc["Black and Mixed combined", "mean_bonus_gap"])  # nobody paid one
    assert hand.reference_counts == {"n": 3, "n_relevant": 3, "n_bonus": 1}


def test_disability_measures_by_hand():
    data = frame(
        [
            ("x", 10, 0),
            ("x", 20, 10),
            ("x", 30, 0),
            ("x", 8, 0),
            ("x", 12, 20),
            ("x", 99, 0),
            ("x", 99, 0),
        ]
    )
    data["disability"] = ["No", "No", "No", "Yes", "Yes", "Prefer not to say", None]
    result = dg.group_gaps(
        data,
        dg.disability_groups(data),
        dg.NOT_DISABLED,
        characteristic="disability",
        min_group=2,
    )
    row = result.gaps.set_index("group").loc[dg.DISABLED]
    assert row["mean_gap"] == pytest.approx(100 * (20 - 10) / 20)
    assert row["median_gap"] == pytest.approx(100 * (20 - 10) / 20)
    assert row["pct_bonus"] == pytest.approx(50.0) and row["mean_bonus_gap"] == pytest.approx(-100)
    assert list(result.gaps["group"]) == [dg.DISABLED]  # no "all other groups": the same people
    assert result.n_not_disclosed == 2
    assert result.representation["group"].tolist() == [
        dg.NOT_DISABLED,
        dg.DISABLED,
        "Not disclosed",
    ]


# --- group sizes: the threshold at 9 and 10, combining ---------------------------------------------


def sized(**sizes: int) -> pd.DataFrame:
    rows = []
    for category, n in sizes.items():
        label = {"WB": WB, "Other_White": "Other White"}.get(category, category)
        rows += [(label, 10.0 + (i % 7), 0) for i in range(n)]
    return frame(rows)


def gaps_of(data, min_group=10):
    return dg.group_gaps(
        data,
        dg.ethnicity_groups(data),
        "White British",
        characteristic="ethnicity",
        min_group=min_group,
    )


def test_a_group_of_exactly_10_is_compared_on_its_own():
    result = gaps_of(sized(WB=30, Indian=10, African=12))
    assert list(result.gaps["group"]) == ["Asian", "Black", "All other groups"]
    assert result.combination == "" and result.left_out == ()


def test_a_group_of_9_alone_is_not_compared_and_is_said_to_count_only_in_all_others():
    result = gaps_of(sized(WB=30, Indian=9, African=12))
    assert list(result.gaps["group"]) == ["Black", "All other groups"]
    assert result.left_out == ("Asian",)
    assert "Asian has fewer than 10" in result.combination
    assert "all other groups" in result.combination
    assert result.gaps.set_index("group").loc["All other groups", "n"] == 21


def test_small_groups_are_combined_when_together_they_reach_the_threshold():
    result = gaps_of(sized(WB=30, Indian=9, African=5, Arab=12))
    shown = result.gaps.set_index("group")
    assert list(shown.index) == ["Other", "Asian and Black combined", "All other groups"]
    assert shown.loc["Asian and Black combined", "n"] == 14
    assert "combined into one group (Asian and Black combined)" in result.combination
    # the combined gap is the gap of the union, computed directly
    data = sized(WB=30, Indian=9, African=5, Arab=12)
    union = data[data["ethnicity"].isin([WB, "Indian", "African"])]
    direct = gaps_of(union, min_group=1).gaps.set_index("group").loc["All other groups"]
    assert shown.loc["Asian and Black combined", "mean_gap"] == pytest.approx(direct["mean_gap"])


def test_too_small_even_combined_are_left_out():
    result = gaps_of(sized(WB=30, Indian=4, African=5, Arab=12))
    assert result.left_out == ("Asian", "Black")
    assert "even combined" in result.combination


def test_a_small_reference_group_is_refused():
    with pytest.raises(InputError, match="reference group .* fewer than 10"):
        gaps_of(sized(WB=9, Indian=30))


def test_combine_small_at_the_threshold():
    sizes = pd.Series({"White British": 50, "Asian": 10, "Black": 9, "Mixed": 1})
    shown, left, text = dg.combine_small(sizes, "White British", 10)
    assert shown == {"Asian": ("Asian",), "Black and Mixed combined": ("Black", "Mixed")}
    assert left == () and "Black and Mixed" in text


# --- relabelling invariance --------------------------------------------------------------------------


def test_full_gss_labels_relabelled_categories_and_row_order_give_the_same_figures():
    data = synth.generate(2000, seed=4)
    labels = {row.category: row.label for row in codes.ethnicity_gss().itertuples()}
    full = data.assign(ethnicity=data["ethnicity"].astype(str).map(labels).fillna("Not stated"))
    from research.data.ingest import _gss_ethnicity

    back = data.assign(ethnicity=_gss_ethnicity(full["ethnicity"]))
    first = gaps_of(data)
    second = gaps_of(back)
    pd.testing.assert_frame_equal(first.gaps, second.gaps)
    shuffled = data.sample(frac=1.0, random_state=3)
    third = gaps_of(shuffled)
    pd.testing.assert_frame_equal(
        first.gaps.drop(columns=["mean_gap", "mean_bonus_gap"]),
        third.gaps.drop(columns=["mean_gap", "mean_bonus_gap"]),
    )
    np.testing.assert_allclose(first.gaps["mean_gap"], third.gaps["mean_gap"], rtol=1e-10)
    pd.testing.assert_frame_equal(first.quarters, third.quarters)


def test_white_as_reference_and_broad_only_data():
    data = sized(WB=20, Other_White=12, Indian=15)
    white = dg.group_gaps(
        data, dg.ethnicity_groups(data, "White"), "White", characteristic="ethnicity"
    )
    assert list(white.gaps["group"]) == ["Asian"]
    assert white.reference_counts["n"] == 32
    broad = data.assign(ethnicity=schema.ethnic_broad_group(data["ethnicity"]))
    used, why = dg.ethnicity_reference(broad, "White British")
    assert used == "White" and "only as broad groups" in why
    assert dg.ethnicity_reference(data, "White British") == ("White British", "")


# --- whole people in pay quarters -------------------------------------------------------------------


def test_band_counts_keep_band_sizes_and_group_totals():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 60))
        hourly = rng.choice([1.0, 2.0, 3.0], size=n)
        group = rng.integers(0, 4, size=n)
        counts = band_counts(hourly, group, 4)
        assert (counts.sum(axis=1) == band_sizes(n)).all()
        assert (counts.sum(axis=0) == np.bincount(group, minlength=4)).all()


def test_band_counts_share_a_tie_by_hand():
    # bands of 2; a tie of four at 5.0 (one of group 0) straddles the two lowest bands: its
    # exact share of each is 0.5, so one band gets the one and the other none
    counts = band_counts(
        np.array([5, 5, 5, 5, 7, 8, 9, 10.0]), np.array([0, 1, 1, 1, 0, 0, 1, 0]), 2
    )
    assert counts[:2, 0].tolist() in ([0, 1], [1, 0])
    assert counts[2:].tolist() == [[2, 0], [1, 1]]


# --- the code list and mappings ---------------------------------------------------------------------


def test_the_gss_code_list_has_19_categories_in_5_broad_groups():
    table = codes.ethnicity_gss()
    assert len(table) == 19 and table["code"].tolist() == list(range(1, 20))
    assert tuple(dict.fromkeys(table["broad_group"])) == (
        "Asian",
        "Black",
        "Mixed",
        "White",
        "Other",
    )
    assert set(table["broad_group"]) == set(schema.ETHNIC_BROAD_GROUPS)
    assert WB in set(table["category"])
    ends = [
        label.endswith(cat) for label, cat in zip(table["label"], table["category"], strict=True)
    ]
    assert all(
        e or code == 12 for e, code in zip(ends, table["code"], strict=True)
    )  # 12: "Other Mixed or..."


def mapping_with(entry: dict) -> dict:
    return {
        "name": "x",
        "columns": {
            "employee_id": "id",
            "employer": {"value": "E"},
            "snapshot_date": {"value": "2024-03-31"},
            "sex": "sex",
            "occupation": "job",
            "annual_basic_pay": {"column": "pay", "unit": "annual"},
            "fte": "fte",
            **entry,
        },
    }


def test_ethnicity_codes_must_map_to_the_classification():
    ok = {
        "ethnicity": {"column": "eth", "codes": {"W1": WB, "A": "Asian", "X": "Prefer not to say"}}
    }
    mapping_from_dict(mapping_with(ok))
    bad = {"ethnicity": {"column": "eth", "codes": {"W1": "White British"}}}
    with pytest.raises(MappingError, match="GSS harmonised standard"):
        mapping_from_dict(mapping_with(bad))
    bad = {"disability": {"column": "dis", "codes": {"Y": "Disabled"}}}
    with pytest.raises(MappingError, match="disability status is Yes, No"):
        mapping_from_dict(mapping_with(bad))


# --- the synthetic truth is recovered ---------------------------------------------------------------

N_TRUTH = 40_000


@pytest.fixture(scope="module")
def truth_sample():
    return synth.generate_with_truth(N_TRUTH, seed=15)


def _mean_gap_se(ref: np.ndarray, grp: np.ndarray) -> float:
    """Delta-method standard error (percentage points) of 100 (1 - mean(grp) / mean(ref))."""
    r, g = ref.mean(), grp.mean()
    var = (g / r) ** 2 * (grp.var(ddof=1) / (grp.size * g**2) + ref.var(ddof=1) / (ref.size * r**2))
    return 100 * float(np.sqrt(var))


def test_the_estimators_recover_the_known_gaps(truth_sample):
    """At n = 40,000: every broad group's and disabled employees' median gap within 4 bootstrap
    standard errors of its known value, and mean gaps within 4 standard errors of it, less the
    floor's known lift of at most 0.6 of a point (synth_diversity.apply_gaps)."""
    lift = synth_diversity.MEAN_FLOOR_LIFT
    data, known = truth_sample.data, truth_sample.truth.diversity
    assert known is not None and known.disability_gap == 100 * synth_diversity.DISABILITY_GAP
    groups = dg.ethnicity_groups(data)
    result = dg.group_gaps(data, groups, "White British", characteristic="ethnicity")
    gaps = result.gaps.set_index("group")
    fpre = data["full_pay"].astype(bool).to_numpy()
    hourly = data["hourly_pay"].to_numpy()
    ref = hourly[fpre & (groups == "White British").fillna(False).to_numpy()]
    rng = np.random.default_rng(1)
    expected = {**known.group_gaps}
    for group, value in expected.items():
        grp = hourly[fpre & (groups == group).fillna(False).to_numpy()]
        se = _mean_gap_se(ref, grp)
        mean = gaps.loc[group, "mean_gap"]
        assert value - lift - 4 * se < mean < value + 4 * se, (group, gaps.loc[group], se)
        boot = [
            100 * (1 - np.median(rng.choice(grp, grp.size)) / np.median(rng.choice(ref, ref.size)))
            for _ in range(100)
        ]
        assert abs(gaps.loc[group, "median_gap"] - value) < 4 * np.std(boot) + 0.5, group
    all_others = gaps.loc["All other groups", "mean_gap"]
    assert abs(all_others - known.minority_mean_gap["White British"]) < 1.0 + lift
    disability = dg.group_gaps(
        data, dg.disability_groups(data), dg.NOT_DISABLED, characteristic="disability"
    ).gaps.iloc[0]
    dis = dg.disability_groups(data)
    se = _mean_gap_se(
        hourly[fpre & (dis == dg.NOT_DISABLED).fillna(False).to_numpy()],
        hourly[fpre & (dis == dg.DISABLED).fillna(False).to_numpy()],
    )
    assert (
        known.disability_gap - lift - 4 * se
        < disability["mean_gap"]
        < known.disability_gap + 4 * se
    )
    assert abs(disability["median_gap"] - known.disability_gap) < 2.0


def test_the_synthetic_shares_are_like_the_truth(truth_sample):
    data, known = truth_sample.data, truth_sample.truth.diversity
    broad = schema.ethnic_broad_group(data["ethnicity"]).value_counts(normalize=True)
    for group in schema.ETHNIC_BROAD_GROUPS:
        p = known.shares[group]
        assert (
            abs(broad.get(group, 0) * (1 - known.shares["Not stated"]) - p)
            < 4 * np.sqrt(p * (1 - p) / N_TRUTH) + 0.005
        )


# --- the report ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_report():
    from research.diversity.report import build

    data = synth.generate(1500, seed=3)
    return build(data, source=Source("synthetic", currency="GBP", jurisdiction="GB"))


def test_the_report_holds_every_table_and_states_the_share_not_disclosed(small_report):
    names = {t.name for t in small_report.tables()}
    assert {
        "ethnicity_representation",
        "ethnicity_pay_gaps",
        "ethnicity_pay_quarters",
        "ethnicity_bonus",
        "disability_representation",
        "disability_pay_gaps",
        "intersection_gaps",
    } <= names
    keys = {f.key for f in small_report.findings}
    assert {"ethnicity_not_disclosed", "ethnicity_mean_gap", "disability_not_disclosed"} <= keys
    assert "not_gss_categories" not in keys
    for figure in small_report.figures():
        assert any(ch.isdigit() for ch in figure.alt)


def test_without_ethnicity_or_disability_the_report_says_so_and_how_to_supply_it():
    from research.diversity.report import build

    data = synth.generate(600, seed=3, shape="no_diversity")
    report = build(data)
    assert "Ethnicity is not in the data" in report["ethnicity_representation"].text
    assert "ethnicity_gss.csv" in report["ethnicity_representation"].text
    assert "Disability is not in the data" in report["disability_representation"].text
    assert report.tables() == []


def test_us_categories_are_said_not_to_be_the_gss_ones():
    from research.diversity.report import build

    data = synth.generate(1500, seed=3)
    data = data.assign(ethnicity=schema.ethnic_broad_group(data["ethnicity"]))
    report = build(data, source=Source("us", currency="USD", jurisdiction="US"))
    texts = " ".join(report.findings.texts())
    assert "not the GSS harmonised categories" in texts and "US categories" in texts
    assert "reference group is all White employees" in texts
