"""Number formats shared by every report, and the table/figure helpers notebooks call."""

import pandas as pd
import pytest

from research.present import formats as report
from research.present import show
from research.present.disclosure import SUPPRESSED
from research.present.report import Table, columns


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12.345, "12.3%"),
        (-0.01, "0.0%"),
        (-2.25, "-2.2%"),
        (1234.5, "1,234.5%"),
        (float("nan"), ""),
    ],
)
def test_percentages_have_one_decimal_and_no_negative_zero(value, expected):
    assert report.fmt_pct(value) == expected


def test_money_and_counts():
    assert report.fmt_money(23456.7) == "£23,457"
    assert report.fmt_money(-1234, "USD") == "-$1,234"
    assert report.fmt_money(12.5, decimals=2) == "£12.50"
    assert report.fmt_int(1234567) == "1,234,567"
    assert report.fmt_int(SUPPRESSED) == SUPPRESSED


def test_formatters_keep_suppression_markers_and_blank_missing_values():
    assert report.formatter("pct")(SUPPRESSED) == SUPPRESSED
    assert report.formatter("money2", "GBP")(12.5) == "£12.50"
    assert report.formatter("yesno")(True) == "yes"
    assert report.formatter("float3")(float("nan")) == ""
    assert report.formatter("int")(None) == ""


def test_save_writes_an_items_data_only_inside_a_run(tmp_path, monkeypatch):
    table = Table("my_table", pd.DataFrame({"a": [1.5, 2.0]}), "x", columns(("a", "A", "float1")))
    monkeypatch.delenv("RESEARCH_RUN_DIR", raising=False)
    assert show.save(table) is None
    monkeypatch.setenv("RESEARCH_RUN_DIR", str(tmp_path))
    assert show.save(table) == tmp_path / "tables" / "my_table.csv"
    # rounded as the column declares (float1: one decimal place)
    assert (tmp_path / "tables" / "my_table.csv").read_text() == "a\n1.5\n2.0\n"
