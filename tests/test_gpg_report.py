"""The council benchmark report seam (research.gpg.report.build) on a small synthetic panel."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.core.checks import InputError
from research.data.gpg import SERVICE_COLUMNS, load_panel
from research.gpg import benchmark as bm
from research.gpg import datachecks
from research.gpg.report import ATTRIBUTION, build
from research.gpg.selection import COUNCIL_TYPES
from research.present.report import Note, Table

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "60_council_benchmark.ipynb"
HOSTILE = "<img src=x onerror=alert(1)> District Council"
METROPOLITAN = ["Barnsley", "Bolton", "Bradford", "Bury", "Calderdale", "Coventry", "Doncaster"]
COUNTIES = ["Cambridgeshire", "Cumbria", "Derbyshire", "Devon", "Essex"]
DISTRICTS = ["Testford", "Exampleton", "Sampleby", "Mockham"]


def _row(rng, name, employer_id, start, *, public=True, size="1000 to 4999", late=False):
    female = rng.uniform(30, 80, 4).round(1)
    due = f"31/03/{start + 1} 00:00:00" if public else f"04/04/{start + 1} 00:00:00"
    row = dict.fromkeys(SERVICE_COLUMNS, "")
    row.update(
        EmployerName=name,
        CurrentName=name,
        EmployerId=str(employer_id),
        DiffMeanHourlyPercent=f"{rng.normal(5, 6):.1f}",
        DiffMedianHourlyPercent=f"{rng.normal(4, 7):.1f}",
        DiffMeanBonusPercent="",
        DiffMedianBonusPercent="",
        MaleBonusPercent="0",
        FemaleBonusPercent="0",
        EmployerSize=size,
        SubmittedAfterTheDeadline="True" if late else "False",
        DueDate=due,
        DateSubmitted=f"01/03/{start + 1} 09:00:00",
        ResponsiblePerson="A Person (Chief Executive)",
        SicCodes="84110" if public else "47110",
    )
    for quarter, share in zip(["Lower", "LowerMiddle", "UpperMiddle", "Top"], female, strict=True):
        row[f"Female{quarter}Quartile"] = f"{share:.1f}"
        row[f"Male{quarter}Quartile"] = f"{100 - share:.1f}"
    return row


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    """Three complete years (2019-20 to 2021-22) and a partial 2022-23 download."""
    rng = np.random.default_rng(11)
    folder = tmp_path_factory.mktemp("gpg")
    employers = (
        [("Leeds City Council", {})]
        + [(f"{p} Metropolitan Borough Council", {}) for p in METROPOLITAN]
        + [(f"{p} County Council", {"size": "5000 to 19,999"}) for p in COUNTIES]
        + [(f"{p} District Council", {"size": "250 to 499"}) for p in DISTRICTS]
        + [("Testford County Council", {"size": "5000 to 19,999"}), (HOSTILE, {})]
        + [(f"Test NHS Trust {k}", {}) for k in range(4)]
        + [(f"Company {k} Ltd", {"public": False, "size": "500 to 999"}) for k in range(8)]
    )
    files = []
    for start in (2019, 2020, 2021, 2022):
        rows = [
            _row(rng, name, 1000 + k, start, late=(name == "Bolton Metropolitan Borough Council"
                                                  and start == 2020), **options)
            for k, (name, options) in enumerate(employers)
        ]  # fmt: skip
        if start == 2021:  # an impossible published figure: quarter shares add to 110
            rows[1]["MaleTopQuartile"] = str(float(rows[1]["MaleTopQuartile"]) + 10)
        partial = "_PARTIAL" if start == 2022 else ""
        path = folder / f"UK_GPG_{start}-{(start + 1) % 100:02d}{partial}.csv"
        path.write_text(pd.DataFrame(rows).to_csv(index=False), encoding="utf-8")
        files.append(path)
    loaded = load_panel(files, cache=False)
    loaded.attrs.clear()
    return loaded


@pytest.fixture(scope="module")
def council(panel):
    return build(panel, employer="leeds", year="latest")


@pytest.fixture(scope="module")
def overview(panel):
    return build(panel, employer="", year="latest")


def test_title_block_names_council_year_and_licence(council, overview):
    assert council.title.organisation == "Leeds City Council"
    assert council.title.period == "2021-22 (public-sector snapshot date 31 March 2021)"
    assert "2022-23: partial download only, shown as missing" in council.title.dataset
    assert ("Licence", ATTRIBUTION) in council.title.details
    assert "all 19 councils that reported for 2021-22" in overview.title.organisation


def test_council_findings_state_the_numbers_of_the_tables(council):
    bench = council.results["benchmark"]
    position = council.table("position").data.set_index("measure")
    median = position.loc["Median hourly pay gap"]
    finding = next(f for f in council.findings if f.key == "median_hourly_gap")
    assert finding.value == pytest.approx(median["value"])
    assert f"{median['value']:.1f}%" in finding.text
    assert f"larger than at {median['percentile_rank']:.0f}% of the 19 councils" in finding.text
    assert finding.value == pytest.approx(bench.record["DiffMedianHourlyPercent"])
    late = next(f for f in council.findings if f.key == "late_years")
    assert late.text == "It reported on time in each of the 4 years it reported."
    for text in council.findings.texts():
        assert "**" not in text and "`" not in text  # plain text, no markdown


def test_overview_findings_state_the_median_council(overview, panel):
    first = overview.findings.items[0]
    rows = bm.current(overview.results["councils"]).query("reporting_year == '2021-22'")
    assert first.value == pytest.approx(rows["DiffMedianHourlyPercent"].median())
    assert f"the middle half of the {len(rows)} councils" in first.text


def test_the_two_shapes_hold_their_own_tables(council, overview):
    assert {"position", "similar_councils"} <= {t.name for t in council.tables()}
    names = {t.name for t in overview.tables()}
    assert {"distribution", "largest_gaps", "smallest_gaps"} <= names
    assert not {"position", "similar_councils"} & names
    assert [t.name for t in council.data_files] == ["published_figure_failures_all_employers"]


def test_every_item_the_notebook_shows_exists_in_both_shapes(council, overview):
    nb = json.loads(NOTEBOOK.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    items = re.findall(r'report\["([a-z0-9_]+)"\]', code)
    sections = re.findall(r'report\.section\("([a-z0-9_]+)"\)', code)
    assert items and sections
    for report in (council, overview):
        for name in items:
            assert name in report
        for key in sections:
            assert report.section(key).items


def test_captions_labels_and_row_order(council):
    position = council.table("position")
    assert position.caption.startswith("Leeds City Council's published figures for 2021-22")
    assert [c.label for c in position.columns][:3] == ["measure", "Leeds City Council", "councils"]
    assert position.column("value").format == "pct"
    trend = council.table("trend")
    assert trend.data["reporting_year"].tolist() == ["2019-20", "2020-21", "2021-22", "2022-23"]
    assert trend.data.set_index("reporting_year").loc["2022-23", "status"] == "no complete data"
    assert pd.isna(trend.data.set_index("reporting_year").loc["2022-23", "all_median"])
    types = council.table("by_council_type").data["council_type"].tolist()
    assert types == [t for t in COUNCIL_TYPES if t in types]
    quarters = council.table("women_by_pay_quarter")
    assert [c.label for c in quarters.columns] == [
        "year", "lower quarter", "lower middle quarter", "upper middle quarter", "top quarter"
    ]  # fmt: skip
    similar = council.table("similar_councils").data
    assert similar.loc[similar["this_council"], "council_name"].tolist() == ["Leeds City Council"]
    assert similar["DiffMedianHourlyPercent"].is_monotonic_decreasing


def test_figures_have_alt_text_from_their_numbers(council):
    figures = {f.name: f for f in council.figures()}
    assert set(figures) == {
        "position_chart",
        "by_council_type_chart",
        "trend_chart",
        "quarters",
        "sectors",
        "sectors_by_year",
        "late_submissions_chart",
    }
    by_sector = council.table("by_sector").data.set_index("sector")
    assert f"{by_sector.loc['Council', 'median_gap']:.1f}%" in figures["sectors"].alt
    assert "2022-23 has no complete data" in figures["trend_chart"].alt


def test_published_figure_checks_find_the_impossible_quarter(council):
    failing = council.table("published_figure_failures_councils").data
    assert failing["check"].tolist() == [datachecks.CHECK_TITLES["quartile_sum"]]
    assert failing["value"].iloc[0] == pytest.approx(110.0)
    every = council.data_files[0].data
    assert len(every) == 1


def test_rule_check_is_a_note_without_an_extract_and_sources_are_optional(council):
    assert isinstance(council["council_rule_check"], Note)
    assert "No check extract" in council["council_rule_check"].text
    assert isinstance(council["data_sources"], Note)


def test_sources_table_when_given(panel):
    sources = pd.DataFrame(
        {
            "file": ["UK_GPG_2021-22.csv"],
            "rows": [30],
            "columns": [27],
            "reporting_years": ["2021-22"],
            "partial": [False],
            "date_format": ["dd/mm/yyyy hh:mm:ss"],
            "sha256": ["0" * 64],
        }
    )
    report = build(panel, sources=sources)
    table = report.table("data_sources")
    assert isinstance(table, Table) and "sha256" not in table.data


def test_hostile_names_are_escaped(overview):
    page = overview._repr_html_()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; District Council" in page


def test_name_matching_did_you_mean_and_ambiguity(panel):
    with pytest.raises(bm.EmployerNotFound, match="Did you mean: Leeds City Council"):
        build(panel, employer="Leds City Council")
    with pytest.raises(bm.AmbiguousEmployer) as err:
        build(panel, employer="Testford")
    assert err.value.candidates == ["Testford County Council", "Testford District Council"]
    with pytest.raises(InputError, match="partial download"):
        build(panel, year="2022-23")
