"""The lean paths of issue 17 for notebook 70 equal the plain computations they replace.

Each ``plain_*`` function is the code as it was before (rows moved as frames, ``value_counts`` on
every row, a join on the ids' text, text per row for the grade bands); the lean code must give
the same frames, value for value and dtype for dtype.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.data import synth
from research.data import synth_flows as sf
from research.data.longitudinal import link
from research.flows import measures, tables
from research.flows.report import _broad_groups

# --------------------------------------------------------------------------- plain references


def plain_generate_flows(
    n_employees: int = 3000,
    *,
    years: int = 5,
    seed: int = 2025,
    last_year: int = sf.LAST_YEAR,
    promotion_ratio: float = 0.75,
    growth: float = 0.0,
    voluntary_share: float = 0.6,
    columns: tuple[str, ...] | None = None,
    shape: str = "complete",
    **options,
) -> sf.SyntheticFlows:
    """The generator as it was before issue 17: data frames moved row by row."""
    if not 2 <= int(years) <= 30:
        raise ValueError(f"years must be 2 to 30 snapshots, got {years!r}.")
    spec = synth.make_shape(shape)
    for reserved in ("snapshot_date", "other_sex_share"):
        if reserved in options:
            raise ValueError(f"{reserved} cannot be set for linked synthetic snapshots.")
    truth = sf.flow_truth(
        promotion_ratio=promotion_ratio, growth=growth, voluntary_share=voluntary_share
    )
    first = int(last_year) - int(years) + 1
    dates = [pd.Timestamp(f"{y}-03-31") for y in range(first, int(last_year) + 1)]
    current = synth.generate(
        n_employees,
        seed=seed,
        snapshot_date=str(dates[0].date()),
        other_sex_share=spec.other_sex_share,
        **options,
    )
    if columns is not None:
        keep = ["employee_id", "snapshot_date", "sex", "grade", "grade_rank"]
        current = current[keep + [c for c in columns if c not in keep and c in current]]
    current["employee_id"] = current["employee_id"].astype(object)
    template = current.copy()
    rng = np.random.default_rng([int(seed), 16])
    k = synth.N_GRADES
    names = np.array([g.name for g in synth.GRADES], dtype=object)
    first_point = np.array([g.points[0] for g in synth.GRADES], dtype=float)
    female_t = (template["sex"] == "F").to_numpy()
    pools = {True: np.flatnonzero(female_t), False: np.flatnonzero(~female_t)}
    leave = {s: truth.wastage(s) for s in ("F", "M")}
    promote = {
        s: truth.rates[truth.rates["sex"] == s].sort_values("grade_rank")["promote"].to_numpy()
        for s in ("F", "M")
    }
    recruit_p = truth.recruitment()
    frames, events = [current], []
    next_id = 1
    for date in dates[1:]:
        n = len(current)
        female = (current["sex"] == "F").to_numpy()
        rank = current["grade_rank"].to_numpy(dtype=int)
        p_leave = np.where(female, leave["F"][rank - 1], leave["M"][rank - 1])
        p_up = np.where(female, promote["F"][rank - 1], promote["M"][rank - 1])
        u = rng.random(n)
        leaves = u < p_leave
        up = ~leaves & (u < p_leave + p_up)
        voluntary = rng.random(n) < voluntary_share
        other = rng.choice(len(sf._INVOLUNTARY_P), size=n, p=sf._INVOLUNTARY_P)
        reason = np.where(voluntary, 0, other + 1)
        events.append(
            pd.DataFrame(
                {
                    "employee_id": current["employee_id"].to_numpy()[leaves],
                    "event": "leaver",
                    "event_date": sf._dates_in_year(rng, date, int(leaves.sum())),
                    "reason": np.asarray(sf.LEAVER_REASONS, dtype=object)[reason[leaves]],
                }
            )
        )
        stay = current[~leaves].copy()
        moved = up[~leaves]
        old = stay["grade_rank"].to_numpy(dtype=int)
        new = np.where(moved, old + 1, old)
        _plain_set_grade(stay, new, old, names, first_point)
        events.append(
            pd.DataFrame(
                {
                    "employee_id": stay["employee_id"].to_numpy()[moved],
                    "event": "promotion",
                    "event_date": sf._dates_in_year(rng, date, int(moved.sum())),
                    "reason": pd.NA,
                }
            )
        )
        n_new = int(leaves.sum()) + int(round(truth.growth * n))
        n_new = max(n_new, 0)
        cell = rng.choice(2 * k, size=n_new, p=recruit_p)
        is_f = cell < k
        new_rank = cell % k + 1
        picks = np.empty(n_new, dtype=np.int64)
        for flag in (True, False):
            where = np.flatnonzero(is_f == flag)
            picks[where] = rng.choice(pools[flag], size=where.size)
        recruits = template.iloc[picks].copy()
        recruits["employee_id"] = sf._ids("SYF", next_id, n_new)
        next_id += n_new
        start = sf._dates_in_year(rng, date, n_new)
        recruits["start_date"] = start
        _plain_set_grade(
            recruits, new_rank, recruits["grade_rank"].to_numpy(dtype=int), names, first_point
        )
        events.append(
            pd.DataFrame(
                {
                    "employee_id": recruits["employee_id"].to_numpy(),
                    "event": "starter",
                    "event_date": start,
                    "reason": pd.NA,
                }
            )
        )
        current = pd.concat([stay, recruits], ignore_index=True)
        current["snapshot_date"] = date
        frames.append(current)
    data = pd.concat(frames, ignore_index=True)
    for column in ("employer", "sex", "occupation", "occupation_title", "job_family"):
        if column in data:
            data[column] = data[column].astype("category")
    data["grade"] = pd.Categorical(data["grade"].astype(object), categories=list(names))
    data["grade_rank"] = data["grade_rank"].astype("Int64")
    data["employee_id"] = data["employee_id"].astype("string")
    if spec.parts != ("complete",):
        data = pd.concat(
            [
                synth._apply_shape(part.reset_index(drop=True), spec, int(seed) + i)
                for i, (_, part) in enumerate(data.groupby("snapshot_date", sort=True))
            ],
            ignore_index=True,
        )
    table = pd.concat(events, ignore_index=True)
    table["employee_id"] = table["employee_id"].astype("string")
    table["event_date"] = pd.to_datetime(table["event_date"])
    table["reason"] = table["reason"].astype("string")
    return sf.SyntheticFlows(data, table, truth)


def _plain_set_grade(
    frame: pd.DataFrame,
    new: np.ndarray,
    old: np.ndarray,
    names: np.ndarray,
    first_point: np.ndarray,
) -> None:
    """Move ``frame``'s rows to grade ranks ``new``; pay scales with the grades' first points."""
    ratio = first_point[new - 1] / first_point[old - 1]
    frame["grade_rank"] = new
    frame["grade"] = names[new - 1]
    for column in ("annual_basic_pay", "hourly_pay", "ordinary_pay_period"):
        if column in frame:
            frame[column] = frame[column].to_numpy(dtype=float) * ratio


def _plain_counts(keys: pd.DataFrame, mask: np.ndarray, name: str) -> pd.Series:
    if keys.shape[1] == 0:
        return pd.Series([int(mask.sum())], index=pd.Index(["all"], name="all"), name=name)
    return keys[mask].value_counts(dropna=False).rename(name)


def plain_flow_counts(moves: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The counts of ``measures.flow_rates`` before issue 17 (value_counts on every row)."""
    event = moves["event"].astype("string").to_numpy()
    present_from = event != "starter"
    present_to = event != "leaver"
    start = measures._side(moves, by, "from")
    end = measures._side(moves, by, "to")
    voluntary = (moves["reason"].astype("string") == "voluntary").fillna(False).to_numpy(bool)
    parts = [
        _plain_counts(start, present_from, "headcount_start"),
        _plain_counts(end, present_to, "headcount_end"),
        _plain_counts(end, event == "starter", "starters"),
        _plain_counts(start, event == "leaver", "leavers"),
        _plain_counts(start, (event == "leaver") & voluntary, "voluntary_leavers"),
        _plain_counts(start, present_from & present_to, "stayers"),
        _plain_counts(start, event == "promotion", "promoted"),
    ]
    table = pd.concat(parts, axis=1).fillna(0).astype("int64")
    table = table[table.to_numpy().any(axis=1)]
    table = table.sort_index().reset_index()
    return table.drop(columns="all") if not by else table


def plain_exit(moves: pd.DataFrame, by: str = "sex"):
    """Each starter's years present and whether they left (half_life before issue 17)."""
    dates = np.union1d(moves["period_start"].unique(), moves["period_end"].unique())
    last = len(dates) - 1
    starters = moves.loc[moves["event"] == "starter", ["employee_id", "period_end", by]]
    leavers = moves.loc[moves["event"] == "leaver", ["employee_id", "period_start"]]
    joined = starters.merge(leavers, on="employee_id", how="left")
    joined = joined[
        joined["period_start"].isna() | (joined["period_start"] >= joined["period_end"])
    ]
    first_leave = joined.groupby(["employee_id", "period_end"], sort=False)["period_start"].min()
    starters = starters.set_index(["employee_id", "period_end"])
    left_at = first_leave.reindex(starters.index)
    begin = np.searchsorted(dates, starters.index.get_level_values("period_end").to_numpy())
    left = left_at.notna().to_numpy()
    exit_index = np.where(
        left, np.searchsorted(dates, left_at.fillna(pd.Timestamp(dates[-1])).to_numpy()), last
    )
    return exit_index - begin, left


def plain_grade_bands(
    moves: pd.DataFrame, max_groups: int = tables.MAX_GRADE_GROUPS
) -> pd.DataFrame:
    """tables.grade_bands before issue 17."""
    ranks = pd.concat(
        [
            moves[["grade_rank_from", "grade_from"]].set_axis(["rank", "grade"], axis=1),
            moves[["grade_rank_to", "grade_to"]].set_axis(["rank", "grade"], axis=1),
        ]
    ).dropna(subset=["rank"])
    ranks["rank"] = ranks["rank"].astype("int64")
    sizes = ranks.groupby("rank").size()
    names = (
        ranks.drop_duplicates()
        .groupby("rank")["grade"]
        .agg(lambda g: " / ".join(sorted(map(str, g.dropna().unique()))))
    )
    width = len(str(int(sizes.index.max())))
    if len(sizes) <= max_groups:
        labels = [f"{str(r).zfill(width)}. {names.get(r, '')}".rstrip(". ") for r in sizes.index]
        return pd.DataFrame({"grade_rank": sizes.index, "band": labels, "order": range(len(sizes))})
    share = sizes.cumsum() / sizes.sum()
    group = np.minimum((share.to_numpy() * max_groups - 1e-9).astype(int), max_groups - 1)
    frame = pd.DataFrame({"grade_rank": sizes.index, "group": group})
    bounds = frame.groupby("group")["grade_rank"].agg(["min", "max"])
    text = {
        g: f"ranks {str(lo).zfill(width)}-{str(hi).zfill(width)}" if lo != hi else f"rank {lo}"
        for g, (lo, hi) in bounds.iterrows()
    }
    order = {g: i for i, g in enumerate(bounds.index)}
    return frame.assign(band=frame["group"].map(text), order=frame["group"].map(order)).drop(
        columns="group"
    )


def plain_with_bands(moves: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """tables.with_bands before issue 17."""
    lookup = bands.set_index("grade_rank")["band"]
    event = moves["event"].astype("string")
    out = {}
    for side, absent in (("from", "starter"), ("to", "leaver")):
        band = moves[f"grade_rank_{side}"].astype("Float64").map(lookup).astype(object)
        band[band.isna() & (event != absent).fillna(False)] = tables.NO_GRADE
        out[f"band_{side}"] = band
    return moves.assign(**out)


# --------------------------------------------------------------------------- comparisons

CASES = [
    dict(n_employees=1500),
    dict(n_employees=1200, years=3, seed=7, growth=0.05),
    dict(n_employees=1000, shape="blank_grades+other_sex", years=4),
    dict(n_employees=800, growth=-0.05, columns=("annual_basic_pay",)),
    dict(n_employees=800, columns=("ethnicity",)),
    dict(n_employees=900, shape="null_tokens"),
]


@pytest.mark.parametrize("options", CASES, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_generator_and_its_events_equal_the_row_by_row_draw(options):
    plain = plain_generate_flows(**options)
    lean = sf.generate_flows(**options)
    pd.testing.assert_frame_equal(lean.data, plain.data, check_exact=True)
    pd.testing.assert_frame_equal(lean.events, plain.events, check_exact=True)
    pd.testing.assert_frame_equal(
        sf.generate_flow_events(**options), plain.events, check_exact=True
    )


def _moves(options, blank_sex=False):
    flows = sf.generate_flows(**options)
    data = flows.data
    if blank_sex:
        data = data.copy()
        data.loc[data.index % 37 == 0, "sex"] = pd.NA
    return link(data, flows.events).moves


@pytest.mark.parametrize("blank_sex", [False, True])
@pytest.mark.parametrize("options", CASES[:3] + CASES[5:], ids=lambda o: str(o.get("shape", "")))
def test_flow_counts_half_life_and_bands_equal_the_plain_computation(options, blank_sex):
    moves = _moves(options, blank_sex)
    groupings = [
        ["sex"],
        ["period", "sex"],
        ["grade", "sex"],
        ["grade_rank"],
        [],
        ["sex", "reason"],
    ]
    for column in ("ethnicity", "disability"):
        if column in moves:
            groupings.append([column])
    for by in groupings:
        frame = _broad_groups(moves, by[0]) if by else moves
        lean = measures.flow_rates(frame, by)
        counts = lean.drop(columns=[c for c in lean if c.endswith(("_low", "_high"))])
        counts = counts.iloc[:, : len(by) + 8].drop(columns="average_headcount")
        pd.testing.assert_frame_equal(counts, plain_flow_counts(frame, by), check_exact=True)
    survived, left = plain_exit(moves)
    lives = measures.half_life(moves)
    for sex in lives.values["sex"]:
        mine = (moves.loc[measures.is_value(moves["event"], "starter"), "sex"] == sex).to_numpy()
        s, event = survived[mine], left[mine]
        table = lives.table[lives.table["sex"] == sex]
        at_risk = [int((s >= y - 1).sum()) for y in table["years"]]
        gone = [int(((s == y - 1) & event).sum()) for y in table["years"]]
        assert table["at_risk"].tolist() == at_risk
        assert table["left"].tolist() == gone
    if moves["grade_rank_from"].notna().any():
        for groups in (12, 3):
            bands = tables.grade_bands(moves, groups)
            pd.testing.assert_frame_equal(bands, plain_grade_bands(moves, groups), check_exact=True)
            banded = tables.with_bands(moves, bands)
            pd.testing.assert_frame_equal(banded, plain_with_bands(moves, bands), check_exact=True)
            frame = banded.assign(grade_from=banded["band_from"], grade_to=banded["band_to"])
            lean = measures.flow_rates(frame, ["grade", "sex"]).iloc[:, :10]
            plain = plain_flow_counts(frame, ["grade", "sex"])
            pd.testing.assert_frame_equal(
                lean.drop(columns="average_headcount"), plain, check_exact=True
            )


def test_ids_stripped_only_when_padded_as_str_strip():
    from research.data.longitudinal import _stripped

    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    for space in spaces:
        ids = pd.Series([f"{space}A1", f"B2{space}", "C 3", None], dtype="string")
        pd.testing.assert_series_equal(_stripped(ids), ids.str.strip())
    plain = pd.Series(["A1", "B 2", None], dtype="string")
    assert _stripped(plain) is plain  # nothing to strip: the same ids, not a copy


def test_repeated_ids_found_per_snapshot_as_with_duplicated():
    from research.data.longitudinal import LongitudinalError, check_unique_ids

    rng = np.random.default_rng(5)
    for _ in range(20):
        n = 60
        frame = pd.DataFrame(
            {
                "employee_id": pd.array(rng.integers(0, 40, n).astype(str), dtype="string"),
                "snapshot_date": pd.to_datetime("2024-03-31")
                - pd.to_timedelta(365 * rng.integers(0, 3, n), unit="D"),
            }
        )
        frame.loc[rng.random(n) < 0.1, "employee_id"] = pd.NA
        code = pd.factorize(frame["employee_id"])[0]
        key = pd.Series(
            list(zip(frame["employee_id"].fillna("?"), frame["snapshot_date"], strict=True))
        )
        repeated = ((code >= 0) & key.duplicated(keep=False).to_numpy()).any()
        if repeated:
            with pytest.raises(LongitudinalError, match="more than once"):
                check_unique_ids(frame)
        else:
            check_unique_ids(frame)
        unique = frame[(code >= 0) & ~key.duplicated(keep=False).to_numpy()]
        check_unique_ids(unique.reset_index(drop=True))


def plain_markov_counts(codes, weights=None):
    """markov._counts before issue 17 (masks and cells recomputed for every replicate)."""
    k = codes.grades.size
    w = None if weights is None else weights[codes.employee]
    binary = codes.sex >= 0
    s = codes.sex.astype(np.int64)

    def count(mask, cell, size):
        return np.bincount(cell[mask], weights=None if w is None else w[mask], minlength=size)

    has_start, has_end = codes.start >= 0, codes.end >= 0
    return (
        count(binary & has_start, s * k + codes.start, 2 * k).reshape(2, k),
        count(
            binary & has_start & has_end, (s * k + codes.start) * k + codes.end, 2 * k * k
        ).reshape(2, k, k),
        count(binary & has_start & ~has_end, s * k + codes.start, 2 * k).reshape(2, k),
        count(binary & ~has_start & has_end, s * k + codes.end, 2 * k).reshape(2, k),
        count(binary & has_end & codes.last, s * k + codes.end, 2 * k).reshape(2, k),
    )


@pytest.mark.parametrize("options", [CASES[0], CASES[2]], ids=["complete", "blank_grades"])
def test_markov_counts_per_replicate_equal_the_plain_computation(options):
    from research.flows import markov

    moves = _moves(options, blank_sex=True)
    codes = markov._codes(moves)
    ranks = pd.concat([moves["grade_rank_from"], moves["grade_rank_to"]]).dropna()
    grades = np.sort(ranks.astype("int64").unique())
    np.testing.assert_array_equal(codes.grades, grades)
    for column, got in (("grade_rank_from", codes.start), ("grade_rank_to", codes.end)):
        values = moves[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        found = np.searchsorted(grades, np.nan_to_num(values, nan=-1))
        np.testing.assert_array_equal(got, np.where(np.isnan(values), -1, found))
    sex = moves["sex"].astype("string").to_numpy(dtype=object, na_value="")
    np.testing.assert_array_equal(codes.sex, np.select([sex == "F", sex == "M"], [0, 1], -1))
    cells = markov._cells(codes)
    rng = np.random.default_rng(3)
    for weights in (
        None,
        *(
            np.bincount(
                rng.integers(0, codes.n_employees, codes.n_employees), minlength=codes.n_employees
            ).astype(float)
            for _ in range(3)
        ),
    ):
        lean = markov._counts(codes, weights, cells)
        plain = plain_markov_counts(codes, weights)
        for got, want in zip(
            (lean.stock, lean.flows, lean.leavers, lean.recruits, lean.initial), plain, strict=True
        ):
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)
