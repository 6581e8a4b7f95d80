"""Contract types and benefits in kind through the data layer, and the synthetic senior tail
(issue 15): mapping codes, ingest quarantine, the data profile, and the generator's known answers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_mapping_extracts import HEADER, ROWS, error, spec, write_csv

from research.data import datasets, synth, synth_senior
from research.data.ingest import ingest
from research.data.mapping import mapping_from_dict
from research.data.profile import profile
from research.data.schema import CONTRACT_TYPES, TEMPORARY_CONTRACTS

CONTRACTS = ["Perm", "FTC", "Temp", "Bank", "Permanent", "fixed-term", "", "Casual"]
BIK = ["Y", "N", "Y", "", "N", "N", "Y", "N"]


def contract_extract(tmp_path: Path, contracts=CONTRACTS, codes=None):
    rows = [r + [c, b] for r, c, b in zip(ROWS, contracts, BIK, strict=True)]
    entry: dict = {"column": "Contract"}
    if codes is not None:
        entry["codes"] = codes
    document = spec(contract_type=entry, benefit_in_kind={"column": "BIK", "true_values": ["Y"]})
    path = write_csv(tmp_path / "staff.csv", rows, HEADER + ["Contract", "BIK"])
    return ingest(path, mapping_from_dict(document))


def test_contract_codes_map_to_the_canonical_types_and_blanks_stay_blank(tmp_path) -> None:
    codes = {"Perm": "permanent", "FTC": "fixed_term", "Temp": "temporary", "Bank": "casual"}
    result = contract_extract(tmp_path, codes=codes)
    assert result.n_quarantined == 0
    kinds = result.data["contract_type"].astype("string")
    assert kinds.tolist()[:6] == [
        "permanent",
        "fixed_term",
        "temporary",
        "casual",
        "permanent",  # a common label needs no code
        "fixed_term",
    ]
    assert pd.isna(kinds.iloc[6])  # blank: not recorded, never "permanent"
    assert kinds.iloc[7] == "casual"
    flags = result.data["benefit_in_kind"]
    assert str(flags.dtype) == "boolean"
    assert flags.iloc[0] and not flags.iloc[1] and pd.isna(flags.iloc[3])
    assert result.summary["contract_type"] == "recorded"
    assert result.summary["benefit_in_kind"] == "recorded"


def test_an_unknown_contract_label_is_quarantined_with_the_fix(tmp_path) -> None:
    result = contract_extract(tmp_path)  # no codes: Perm, FTC, Temp, Bank
    reasons = result.quarantine["reason"].tolist()
    assert result.n_quarantined == 2  # Perm and Temp are common labels; FTC and Bank are not
    assert all(r.startswith("contract_type: code not in the mapping") for r in reasons)
    assert "columns.contract_type.codes" in result.problems["fix"].iloc[0]


def test_codes_must_map_to_contract_types() -> None:
    message = error(spec(contract_type={"column": "C", "codes": {"P": "perm"}}))
    assert "contract types are permanent, fixed_term, temporary, casual" in message


def test_without_the_columns_the_summary_and_profile_say_not_in_the_data(tmp_path) -> None:
    from test_mapping_extracts import run

    result = run(tmp_path, spec())
    assert result.data["contract_type"].isna().all()
    assert result.data["benefit_in_kind"].isna().all()
    assert result.summary["contract_type"] == "not in the data"
    held = profile(result.data)
    assert held.contract_types == "none" and held.benefits_in_kind == "none"
    assert "not in the data" in held.sentence("contract_types")
    assert "not known (not nobody)" in held.sentence("benefits_in_kind")


def test_the_profile_counts_temporary_contracts_and_benefits() -> None:
    data = synth.generate(1000, seed=4)
    held = profile(data)
    temporary = int(data["contract_type"].isin(TEMPORARY_CONTRACTS).sum())
    assert held.contract_types == "all" and held.n_temporary == temporary
    assert held.n_benefit_received == int(data["benefit_in_kind"].sum())
    assert f"{temporary:,} of 1,000" in held.sentence("contract_types")


# ----------------------------------------------------------------------------- synthetic data


def test_synthetic_terms_recover_their_population_shares() -> None:
    shaped = synth.generate_with_truth(40_000, seed=8)
    data, terms = shaped.data, shaped.truth.terms
    assert set(data["contract_type"].astype(str)) == set(CONTRACT_TYPES)
    for sex in ("F", "M"):
        rows = data[data["sex"] == sex]
        temporary = rows["contract_type"].isin(TEMPORARY_CONTRACTS).mean()
        assert temporary == pytest.approx(terms.temporary_share[sex], abs=0.012), sex
        benefit = float(rows["benefit_in_kind"].astype(float).mean())
        assert benefit == pytest.approx(terms.benefit_share[sex], abs=0.008), sex
    shares = terms.contract_shares.groupby("sex")["share"].sum()
    assert np.allclose(shares, 1.0)
    # Men are in higher grades, where benefits in kind are more common.
    assert terms.benefit_share["M"] > terms.benefit_share["F"]


def test_the_terms_leave_every_other_column_unchanged() -> None:
    plain = synth._generate_complete(
        2000,
        seed=3,
        segregation=1.0,
        within_job_gap=0.05,
        female_share=None,
        employer="Synthetic Borough Council",
        snapshot_date="2025-03-31",
        other_sex_share=0.0,
        vertical_segregation=synth.VERTICAL_SEGREGATION,
    )
    drawn = synth.generate(2000, seed=3)
    pd.testing.assert_frame_equal(drawn[list(plain.columns)], plain)


def test_the_minimal_shape_records_neither_contract_type_nor_benefits() -> None:
    data = synth.generate(600, seed=2, shape="minimal")
    assert data["contract_type"].isna().all() and data["benefit_in_kind"].isna().all()
    assert synth.make_shape("minimal").recorded["contracts"] is False


def test_the_senior_tail_pays_only_the_top_grade_spot_salaries() -> None:
    plain = synth.generate(5000, seed=2025)
    tail = synth.generate(5000, seed=2025, senior_tail=True)
    top = (plain["grade_rank"] == synth_senior.CHIEF_OFFICER_RANK).to_numpy()
    assert top.sum() >= 3
    others = [
        c
        for c in plain.columns
        if c not in ("annual_basic_pay", "hourly_pay", "ordinary_pay_period")
    ]
    pd.testing.assert_frame_equal(tail[others], plain[others])
    for column in ("annual_basic_pay", "hourly_pay", "ordinary_pay_period"):
        assert np.array_equal(tail.loc[~top, column], plain.loc[~top, column]), column
    # hourly pay moves with the salary, so the reg 6 relation still holds
    ratio = tail.loc[top, "hourly_pay"] / plain.loc[top, "hourly_pay"]
    assert np.allclose(
        ratio, tail.loc[top, "annual_basic_pay"] / plain.loc[top, "annual_basic_pay"]
    )
    assert tail.loc[top, "annual_basic_pay"].min() > 105_000
    assert tail["annual_basic_pay"].max() == pytest.approx(
        synth_senior.CHIEF_EXECUTIVE_SALARY, rel=0.08
    )


def test_the_senior_truth_is_what_the_sample_holds() -> None:
    shaped = synth.generate_with_truth(5000, seed=2025, senior_tail=True)
    data, senior = shaped.data, shaped.truth.senior
    pay = data["annual_basic_pay"] + data["bonus_12m"]
    assert senior.highest == pytest.approx(pay.max())
    assert senior.median == pytest.approx(pay.median())
    assert senior.multiple == pytest.approx(pay.max() / pay.median())
    assert 6 < senior.multiple < 8.5  # a realistic council pay multiple
    assert senior.n_chief_officers == int((data["grade_rank"] == 12).sum())
    assert senior.n_packages == senior.n_chief_officers  # every chief officer earns 100,000+
    assert synth.generate_with_truth(600, seed=1).truth.senior is None


def test_the_dataset_spec_turns_the_tail_on_and_checks_its_value() -> None:
    assert datasets.parse_synthetic_spec("synthetic:senior_tail=true")["senior_tail"] is True
    assert datasets.parse_synthetic_spec("synthetic:senior_tail=no")["senior_tail"] is False
    with pytest.raises(datasets.DatasetError, match="senior_tail"):
        datasets.parse_synthetic_spec("synthetic:senior_tail=maybe")
    ds = datasets.load_dataset("synthetic:n_employees=2000,seed=5,senior_tail=true")
    from research.data.truth import synthetic_senior_truth, synthetic_terms_truth

    assert synthetic_senior_truth(ds).multiple > 5
    assert synthetic_terms_truth(ds).benefit_share["M"] > 0
    assert synthetic_senior_truth(datasets.load_dataset("synthetic:n_employees=600")) is None


def test_an_exported_extract_round_trips_its_contract_types(tmp_path) -> None:
    frame = synth.generate(400, seed=5)
    csv, mapping = synth.export_extract(frame, tmp_path / "extract.csv")
    result = ingest(csv, mapping)
    assert result.n_quarantined == 0
    assert (
        result.data["contract_type"].astype(str).tolist()
        == frame["contract_type"].astype(str).tolist()
    )
    assert result.data["benefit_in_kind"].tolist() == frame["benefit_in_kind"].tolist()
