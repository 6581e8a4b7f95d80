"""Number formats shared by every report, and the table/figure helpers notebooks call."""

import pandas as pd
import pytest

from research.present import formats as report
from research.present import show
from research.present.disclosure import SUPPRESSED


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


def test_format_table_guesses_formats_and_keeps_markers():
    table = pd.DataFrame(
        {
            "n": [1200, 3],
            "pct_female": [61.25, SUPPRESSED],
            "hourly_pay": [12.5, 20.0],
            "ok": [True, False],
        }
    )
    shown = report.format_table(table)
    assert shown["n"].tolist() == ["1,200", "3"]
    assert shown["pct_female"].tolist() == ["61.2%", SUPPRESSED]
    assert shown["hourly_pay"].tolist() == ["£12.50", "£20.00"]
    assert shown["ok"].tolist() == ["yes", "no"]


def test_show_table_saves_tidy_csv_in_the_run_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RESEARCH_RUN_DIR", str(tmp_path))
    show.show_table(pd.DataFrame({"a": [1.5, 2.0]}), "my_table", caption="x")
    assert (tmp_path / "tables" / "my_table.csv").read_text() == "a\n1.5\n2\n"


def test_bad_table_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("RESEARCH_RUN_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="lower case"):
        show.show_table(pd.DataFrame({"a": [1]}), "My Table")
