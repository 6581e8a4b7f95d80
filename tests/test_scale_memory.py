"""Issue 17: the memory-lean paths give exactly what the row-by-row code gave.

Each lean helper (the generator drawn in place, row hashes in blocks, members from distinct pairs,
functions per distinct value, categoricals of sorted texts, headcounts per distinct group, the
earlier snapshot with only the columns a report reads) is compared with the straightforward
computation it replaces, on small data with missing values, other sex codes and pooled groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.core import hashing
from research.data import datasets, schema, snapshots, synth
from research.present import counted, tabulate
from research.segregation.report import EARLIER_COLUMNS, text_codes

#: sha256_frame of generator output before the in-place rewrite (issue 17): equal arguments
#: must keep giving byte-identical frames.
FRAMES_BEFORE = {
    "complete": "f309022bd2ef29954f21fc9ee25ea2a477058cd90222fa093cb21f18a842ce3d",
    "hardest": "104ab54ff834d59e50b489d0650347efeeb86d76736627b7ac028e38462f51ea",
    "tail": "b733dcb61c036ecf2212b55d162c7ea3040c3ab5ba32df5b54f46a962d6fa7b5",
    "earlier": "27db29a1082a999fb3dc3c0115028999874f37a167387bfbf44e63485bfec86c",
}


@pytest.fixture(scope="module")
def messy() -> pd.DataFrame:
    return synth.generate(6000, seed=11, shape="null_tokens+other_sex+blank_grades")


def test_generator_frames_unchanged() -> None:
    frames = {
        "complete": synth.generate(5000, seed=7),
        "hardest": synth.generate(5000, seed=7, shape=synth.HARDEST),
        "tail": synth.generate(
            4000,
            seed=3,
            shape="null_tokens+many_grades",
            senior_tail=True,
            other_sex_share=0.05,
        ),
        "earlier": synth.generate_year_before(2025, n_employees=3000, shape="renamed_units"),
    }
    assert {k: hashing.sha256_frame(f) for k, f in frames.items()} == FRAMES_BEFORE


def test_frame_hash_does_not_depend_on_the_block_size(messy, monkeypatch) -> None:
    whole = hashing.sha256_frame(messy)
    monkeypatch.setattr(hashing, "HASH_BLOCK_ROWS", 7)
    assert hashing.sha256_frame(messy) == whole
    monkeypatch.setattr(hashing, "HASH_BLOCK_ROWS", len(messy))
    assert hashing.sha256_frame(messy) == whole
    assert hashing.sha256_frame(messy.iloc[:0]) != whole


def test_members_from_distinct_pairs_equal_members_of_every_row(messy) -> None:
    labels = tabulate.lump_rare(tabulate.occupation_labels(messy), 5)
    bands = tabulate.grade_groups(messy, max_groups=4, missing=tabulate.NOT_RECORDED)
    for grouping, raw in ((labels, messy["occupation"]), (bands, messy["grade"])):
        every_row = counted.members(grouping, raw)
        distinct = counted.members(*tabulate.distinct_pairs(grouping, raw))
        assert distinct == every_row
        assert list(distinct) == list(every_row)  # labels in order of first row too
    pairs = tabulate.distinct_pairs(messy["ethnicity"], messy["ethnicity"])
    assert len(pairs[0]) == messy["ethnicity"].nunique(dropna=False)


def test_per_value_equals_the_function_of_every_row(messy) -> None:
    ethnicity = messy["ethnicity"]
    assert isinstance(ethnicity.dtype, pd.CategoricalDtype) and ethnicity.isna().any()
    text = ethnicity.astype("string")
    expected = text.map(
        {c: g for _, c, g in schema.ETHNICITY_CATEGORIES}
        | {g: g for g in schema.ETHNIC_BROAD_GROUPS}
    ).astype("string")
    pd.testing.assert_series_equal(schema.ethnic_broad_group(ethnicity), expected)
    pd.testing.assert_series_equal(schema.ethnic_group_label(ethnicity), expected.fillna(text))
    # not a categorical: the function itself, row by row
    pd.testing.assert_series_equal(schema.ethnic_group_label(text), expected.fillna(text))


def test_text_codes_are_the_sorted_texts() -> None:
    values = pd.Series(["b", "a", None, "Z", "a", "é"], dtype="string")
    coded = text_codes(values)
    assert list(coded.categories) == sorted(["a", "b", "Z", "é"])
    assert coded.categories.dtype == pd.Series(["x"]).dtype  # "str", as texts in a frame
    assert pd.Series(coded).astype("string").tolist() == values.tolist()


def test_headcount_by_sex_equals_a_crosstab_of_every_row(messy) -> None:
    frame = messy.assign(band=tabulate.grade_groups(messy, max_groups=5))
    for by in ("grade", "occupation", "ethnicity", "band", "employer"):
        keys = frame[by].astype("string").fillna("(missing)")
        expected = pd.crosstab(keys, frame["sex"].astype("string"))
        present = [c for c in schema.SEX_CODES if c in expected and expected[c].sum() > 0]
        expected = expected.reindex(columns=present).astype("int64")
        expected.index.name, expected.columns.name = by, None
        pd.testing.assert_frame_equal(tabulate.headcount_by_sex(frame, by), expected)


def test_earlier_synthetic_year_with_only_the_columns_read() -> None:
    whole = synth.generate_year_before(2025, n_employees=2000, shape="renamed_units")
    some = synth.generate_year_before(
        2025, n_employees=2000, shape="renamed_units", columns=EARLIER_COLUMNS
    )
    assert list(some.columns) == [c for c in whole.columns if c in EARLIER_COLUMNS]
    pd.testing.assert_frame_equal(some, whole[list(some.columns)])

    dataset = datasets.load_dataset("synthetic:n_employees=2000,seed=5?sex=F")
    full = snapshots.earlier_snapshot(dataset, "auto")
    lean = snapshots.earlier_snapshot(dataset, "auto", columns=EARLIER_COLUMNS)
    assert lean.label == full.label and lean.reason == full.reason
    assert set(lean.data.columns) == set(EARLIER_COLUMNS)
    pd.testing.assert_frame_equal(lean.data, full.data[list(lean.data.columns)])
    assert (lean.data["sex"] == "F").all()


def test_rows_taken_only_when_some_are_left_out() -> None:
    from research.segregation.report import _rows

    data = synth.generate(500, seed=2)
    kept = _rows(data, np.ones(len(data), dtype=bool))
    assert kept is data
    some = _rows(data, (data["sex"] == "F").to_numpy(), {"sex", "grade"})
    assert list(some.columns) == ["sex", "grade"] and (some["sex"] == "F").all()
