"""Human labels and natural orders in what a reader sees (issue 14, item 3).

Every report built on synthetic data (the default shape and the hardest one) is scanned: no
working-pattern codes, bare sex codes or internal ``snake_case`` names in any displayed cell,
column label or figure alt text.
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from research.data import synth  # noqa: E402
from research.present import tabulate  # noqa: E402
from research.present.formats import (  # noqa: E402
    FORMATS,
    display_label,
    field_label,
    formatter,
    sex_label,
)
from research.present.report import Figure, Table, columns  # noqa: E402

HARDEST = "annual_only+blank_grades+other_sex+hostile_titles"
TOPICS = ("paygap", "audit", "data_audit", "segregation", "decomposition")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
PATTERN_CODES = re.compile(r"\b(full_time|part_time)\b")
SEX_CODES = {"F", "M", "X", "U"}


# ----------------------------------------------------------------------------- helpers


def test_display_label_turns_working_patterns_into_words():
    assert display_label("full_time") == "Full time"
    assert display_label("part_time") == "Part time"
    assert display_label("Grade 1") == "Grade 1"
    assert formatter("text")("full_time") == "Full time"
    assert formatter("text")(None) == ""


def test_sex_label_names_every_code():
    assert [sex_label(c) for c in ("F", "M", "X", "U")] == [
        "Women",
        "Men",
        "Another recorded sex",
        "Not recorded",
    ]
    assert sex_label("Total") == "Total"


def test_field_format_shows_a_column_name_with_its_title():
    assert "field" in FORMATS
    assert field_label("annual_basic_pay") == "Annual basic pay (annual_basic_pay)"
    assert field_label("employee_id") == "Employee ID (employee_id)"
    assert field_label("Grade") == "Grade"
    table = Table(
        "t", pd.DataFrame({"column": ["bonus_12m"]}), "c", columns(("column", "Column", "field"))
    )
    assert "Bonus in the last 12 months (bonus_12m)" in table.to_html()
    assert table.to_frame()["column"].tolist() == ["bonus_12m"]  # tidy data as it was


def test_tidy_working_pattern_stays_a_code_but_shows_as_words():
    table = Table(
        "t", pd.DataFrame({"pattern": ["full_time", "part_time"]}), "c", columns(("pattern", "P"))
    )
    assert table.to_frame()["pattern"].tolist() == ["full_time", "part_time"]
    assert table.formatted()["P"].tolist() == ["Full time", "Part time"]
    assert "full_time" not in table.to_html()


@pytest.mark.parametrize(
    "labels",
    [
        ["Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-69", "Over 70"],
        ["UNDER 18", "18 TO 24", "25 TO 34", "65 TO 69", "OVER 70"],
        ["16-24", "25-34", "55-64", "65+"],
        ["5-9", "10-14", "100+"],
        ["01. Grade 1", "02. Grade 2", "10. Senior 1", "11. Senior 2"],
        ["2. Grade 2", "10. Senior 1"],
        ["ranks 01-12", "ranks 13-24", "ranks 25-40"],
        ["Analyst", "Clerk", "Zookeeper", "All other", "(missing)", "Not recorded", "Total"],
        ["16-24", "65+", "not recorded", "Total"],
    ],
)
def test_natural_key_orders_labels(labels):
    scrambled = list(reversed(labels))
    assert sorted(scrambled, key=tabulate.natural_key) == labels


def test_natural_sort_is_stable_and_by_several_columns():
    frame = pd.DataFrame(
        {
            "grade": ["10. B", "2. A", "10. B", "2. A", "Not recorded"],
            "pattern": ["part_time", "part_time", "full_time", "full_time", "full_time"],
        }
    )
    out = tabulate.natural_sort(frame, ["grade", "pattern"])
    assert out["grade"].tolist() == ["2. A", "2. A", "10. B", "10. B", "Not recorded"]
    assert out["pattern"].tolist() == [
        "full_time",
        "part_time",
        "full_time",
        "part_time",
        "full_time",
    ]


# ----------------------------------------------------------------------------- every report


def _build(topic: str, data: pd.DataFrame):
    import importlib

    build = importlib.import_module(f"research.{topic}.report").build
    kwargs = {"n_boot": 20} if topic in {"paygap", "segregation", "decomposition"} else {}
    return build(data, **kwargs)


@pytest.fixture(scope="module", params=["default", "hardest"])
def reports(request):
    if request.param == "default":
        data = synth.generate(600, seed=1)
    else:
        data = synth.generate(1500, seed=3, shape=HARDEST)
    return {topic: _build(topic, data) for topic in TOPICS}


def _outside_brackets(text: str) -> str:
    """Text without parenthesised parts: a code shown after its title is allowed there."""
    return re.sub(r"\([^()]*\)", "", text)


def test_no_codes_or_internal_names_in_displayed_tables(reports):
    problems = []
    for topic, report in reports.items():
        for table in report.tables():
            shown = table.formatted()
            for column in table.columns:
                if SNAKE.fullmatch(column.label.strip()):
                    problems.append((topic, table.name, "label", column.label))
                if column.numeric:
                    continue
                for cell in shown[column.label].astype(str):
                    if PATTERN_CODES.search(cell):
                        problems.append((topic, table.name, column.key, cell))
                    is_sex = column.key == "sex" or column.label.lower() == "sex"
                    if is_sex and cell in SEX_CODES:
                        problems.append((topic, table.name, column.key, cell))
                    if column.format == "field" and SNAKE.search(_outside_brackets(cell)):
                        problems.append((topic, table.name, column.key, cell))
    assert problems == []


def test_no_codes_in_figure_alt_text(reports):
    problems = [
        (topic, item.name, match)
        for topic, report in reports.items()
        for item in report.items()
        if isinstance(item, Figure)
        for match in PATTERN_CODES.findall(item.alt) + SNAKE.findall(item.alt)
    ]
    assert problems == []


def test_no_working_pattern_codes_in_html(reports):
    for topic, report in reports.items():
        for table in report.tables():
            assert not PATTERN_CODES.search(table.to_html()), (topic, table.name)


# ----------------------------------------------------------------------------- natural order


def test_pay_gap_age_bands_in_age_order_whatever_the_case():
    data = synth.generate(1200, seed=5)
    bands = {
        "16-24": "UNDER 18",
        "25-34": "18 TO 29",
        "35-44": "30 TO 49",
        "45-54": "50 TO 59",
        "55-64": "60 TO 69",
        "65+": "OVER 70",
    }
    data["age_band"] = data["age_band"].astype("string").map(bands)
    report = _build("paygap", data)
    table = report.table("gap_by_age_band")
    assert isinstance(table, Table)
    shown = [v for v in table.data["age_band"].astype(str) if v in bands.values()]
    assert shown == [v for v in bands.values() if v in shown]
    assert shown[0] == "UNDER 18"
    assert shown[-1] == "OVER 70"


def test_pay_gap_grade_rows_by_rank_and_not_recorded_last():
    report = _build("paygap", synth.generate(1500, seed=3, shape=HARDEST))
    grades = report.table("gap_by_grade").data["grade_group"].astype(str).tolist()
    assert grades == sorted(grades, key=tabulate.natural_key)
    assert grades[-1] == "Not recorded"


def _figure_texts(figure) -> list[str]:
    texts = [t.get_text() for t in figure.texts]
    for ax in figure.axes:
        texts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        if (legend := ax.get_legend()) is not None:
            texts += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    return texts


def test_no_codes_in_figure_labels_legends_or_ticks(reports):
    problems = [
        (topic, figure.name, text)
        for topic, report in reports.items()
        for figure in report.figures()
        for text in _figure_texts(figure.figure)
        if PATTERN_CODES.search(text) or SNAKE.search(text) or text.strip() in SEX_CODES
    ]
    assert problems == []


def test_pay_gap_grade_chart_in_grade_order_not_by_gap(reports):
    chart = reports["paygap"]["gap_by_grade_chart"]
    ticks = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    assert len(ticks) >= 2
    assert ticks == sorted(ticks, key=tabulate.natural_key)


def test_working_pattern_chart_reads_in_words(reports):
    report = reports["paygap"]
    if "gap_by_working_pattern_chart" not in report:
        pytest.skip("no working pattern chart on this shape")
    chart = report["gap_by_working_pattern_chart"]
    if not isinstance(chart, Figure):
        pytest.skip("no working pattern chart on this shape")
    ticks = {t.get_text() for t in chart.figure.axes[0].get_yticklabels()}
    assert ticks <= {"Full time", "Part time"}
    assert "Full time" in chart.alt


def _ranked(n_grades: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ranks = rng.integers(1, n_grades + 1, size=2000)
    sex = rng.choice(["F", "M", "X"], size=2000, p=[0.5, 0.47, 0.03])
    return pd.DataFrame({"grade": [f"G{r}" for r in ranks], "grade_rank": ranks, "sex": sex})


def test_grade_bands_of_a_part_are_the_bands_of_the_whole():
    """Bands cut on the whole dataset label a part of it (one sex, say) alike, so no table of
    one report differs from another's by a sliver of grades."""
    data = _ranked(120)
    whole = tabulate.grade_groups(data, max_groups=30)
    women = data[data["sex"] == "F"]
    part = tabulate.grade_groups(women, max_groups=30, population=data)
    pd.testing.assert_series_equal(part, whole[women.index])
    alone = tabulate.grade_groups(women, max_groups=30)  # cut on the part: other edges
    assert not alone.equals(whole[women.index])


def test_fifteen_grade_bands_are_unions_of_thirty():
    data = _ranked(200)
    fine = tabulate.grade_groups(data, max_groups=30)
    coarse = tabulate.grade_groups(data, max_groups=15)
    assert coarse.nunique() <= 15 < fine.nunique()
    # every fine band lies inside one coarse band
    assert (pd.crosstab(fine, coarse) > 0).sum(axis=1).max() == 1
    # and the labels state the ranks each band holds
    for label, ranks in data["grade_rank"].groupby(coarse):
        low, high = map(int, label.removeprefix("ranks ").split("-"))
        assert low <= ranks.min() and ranks.max() <= high
