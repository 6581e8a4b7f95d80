"""Which submissions are councils, and how they link across years and reorganisations.

The selection rule
------------------
A submission is a council when its name (upper case, whitespace collapsed) matches one of
:data:`INCLUDE` and none of :data:`EXCLUDE`. SIC codes are not used to select: councils often give
no code or the placeholder ``1``. The rule, its exclusions and the reasons for them:

* **Include** names with ``COUNCIL`` or ``COUNCILS``, ``LONDON BOROUGH``, ``ROYAL BOROUGH OF``,
  ``BOROUGH OF POOLE``, ``CITY (OF) LONDON CORPORATION`` or ``CORPORATION OF LONDON``, and the
  Welsh and Gaelic words for council, ``CYNGOR`` and ``COMHAIRLE``.
* **Exclude** bodies called councils that are not local authorities: the British Council, arts,
  refugee and research councils (including the Science and Technology Facilities Council),
  professional regulators (``GENERAL ... COUNCIL``, the Health and Care Professions Council, the
  Nursing and Midwifery Council), funding councils, national councils (any name with
  ``NATIONAL``), parochial church and sports councils, the Field Studies Council and the
  Resuscitation Council, and every name with ``COUNCIL FOR``; and any name containing
  ``LIMITED``, ``LTD``, ``TRUST``, ``COLLEGE``, ``SCHOOL``, ``UNIVERSITY`` or ``NHS`` (council-owned
  companies, schools, health bodies).
* Left out by design: the Greater London Authority, combined authorities, fire, police and
  national park authorities, council-owned companies and schools. Scottish councils report under
  Scottish duties (only a few appear), Welsh councils partly; Northern Ireland is absent.

The rule rebuilds the project's check extract ``data/raw/gpg/gpg_local_authorities.csv.gz``
(2,209 submissions; :func:`compare_with_extract` compares row by row).

Derived columns
---------------
``name_token_type`` is the coarse type the name itself states (first match wins: London
borough or City of London, metropolitan, county borough, county council, city, district,
borough, other). ``council_type`` is a better coarse type from the place name: London borough,
metropolitan district, English unitary, county council, shire district, Welsh unitary, Scottish
council (lists in this module; the English unitary list follows the reorganisations to 2023).
``nation`` is England, Wales or Scotland, from the place name, else the postcode area.
``employer_id_linked`` links a council across years: its ``EmployerId``; for 2017-18 and 2018-19,
which have no ids, the id of a later submission with the same normalised name
(:func:`research.data.schema.normalise_employer_name`), else with the same normalised ``CurrentName``
(the name the service held when the file was downloaded, which catches renames such as Shepway
-> Folkestone & Hythe), and then the id now found for the same name in another year.
``council_id`` is that id as text, or ``name:<key>`` for the few councils abolished before ids
existed; a new council that inherited the service record of one it replaced (North Yorkshire,
2023) gets its own ``council_id``. Reorganisations (:func:`reorganisations`) add ``successor``
and ``abolished`` to the councils replaced, ``predecessors`` and ``created`` to the new ones.
"""

from __future__ import annotations

import pandas as pd

from research.core.checks import InputError, require_columns
from research.data.schema import GOV_UK_COLUMNS as NUMERIC_COLUMNS
from research.data.schema import normalise_employer_name as normalise_name

#: Text dtype of the panel: Arrow-backed, so that string methods run vectorised in pyarrow.
STRING = pd.StringDtype("pyarrow")

__all__ = [
    "COUNCIL_TYPES",
    "EXCLUDE",
    "INCLUDE",
    "compare_with_extract",
    "council_type",
    "councils",
    "is_council",
    "name_token_type",
    "nation",
    "reorganisations",
]

#: Names that mark a council (regular expressions on the upper-case name).
INCLUDE = (
    r"\bCOUNCILS?\b",
    r"\bLONDON BOROUGH\b",
    r"\bROYAL BOROUGH OF\b",
    r"\bBOROUGH OF POOLE\b",
    r"\bCITY (?:OF )?LONDON CORPORATION\b",
    r"\bCORPORATION OF LONDON\b",
    r"\bCYNGOR\b",
    r"\bCOMHAIRLE\b",
)

#: Names that are not local authorities although they match :data:`INCLUDE`.
EXCLUDE = (
    r"\b(?:LIMITED|LTD|TRUSTS?|COLLEGES?|SCHOOLS?|UNIVERSIT(?:Y|IES)|NHS)\b",
    r"\bCOUNCIL FOR\b",
    r"\bBRITISH COUNCIL\b",
    r"\bARTS COUNCIL\b",
    r"\bREFUGEE COUNCIL\b",
    r"\bRESEARCH COUNCIL\b",
    r"\bFACILITIES COUNCIL\b",
    r"\bGENERAL [A-Z]+ COUNCIL\b",
    r"\bPROFESSIONS COUNCIL\b",
    r"\bNURSING AND MIDWIFERY COUNCIL\b",
    r"\bFUNDING COUNCIL\b",
    r"\bNATIONAL\b",
    r"\bCHURCH COUNCIL\b",
    r"\bSPORTS? COUNCIL\b",
    r"\bFIELD STUDIES COUNCIL\b",
    r"\bRESUSCITATION COUNCIL\b",
)

#: ``name_token_type`` labels in the order they are tried (regular expressions on the name).
NAME_TOKEN_TYPES: tuple[tuple[str, str], ...] = (
    (
        "london_borough_or_city_of_london_name",
        r"\bLONDON BOROUGH\b|\bROYAL BOROUGH\b|\bCITY (?:OF )?LONDON CORPORATION\b"
        r"|\bCORPORATION OF LONDON\b",
    ),
    ("metropolitan_name", r"\bMETROPOLITAN\b"),
    ("county_borough_name", r"\bCOUNTY BOROUGH\b"),
    ("county_council_name", r"\bCOUNTY COUNCIL\b"),
    ("city_council_name", r"\bCITY COUNCIL\b|\bCITY OF\b"),
    ("district_council_name", r"\bDISTRICT\b"),
    ("borough_council_name", r"\bBOROUGH\b"),
)
OTHER_NAME_TYPE = "other_council_name"

#: Coarse council types, in display order.
COUNCIL_TYPES: tuple[str, ...] = (
    "London borough",
    "Metropolitan district",
    "English unitary",
    "County council",
    "Shire district",
    "Welsh unitary",
    "Scottish council",
)

#: How each type reads in a sentence: (one, several).
TYPE_WORDS: dict[str, tuple[str, str]] = {
    "London borough": ("London borough", "London boroughs"),
    "Metropolitan district": ("metropolitan district", "metropolitan districts"),
    "English unitary": ("English unitary council", "English unitary councils"),
    "County council": ("county council", "county councils"),
    "Shire district": ("shire district", "shire districts"),
    "Welsh unitary": ("Welsh unitary council", "Welsh unitary councils"),
    "Scottish council": ("Scottish council", "Scottish councils"),
}


def type_words(kind: object, plural: bool = False) -> str:
    """A council type in a sentence: ``type_words("English unitary", plural=True)`` ->
    ``"English unitary councils"``."""
    one, several = TYPE_WORDS.get(str(kind), (str(kind).lower(), f"{str(kind).lower()}s"))
    return several if plural else one


# Words that say what kind of council a name is, not where: removed to get the place.
_TYPE_WORDS = (
    r"\b(?:THE|COUNCILS?|CITY|COUNTY|BOROUGH|DISTRICT|DISRICT|METROPOLITAN|LONDON|ROYAL|OF|HQ"
    r"|CORPORATION|CYNGOR|SIR|BWRDEISTREF|COMHAIRLE|UNITARY|AUTHORITY)\b"
)

LONDON_BOROUGHS = (
    "BARKING AND DAGENHAM", "BARNET", "BEXLEY", "BRENT", "BROMLEY", "CAMDEN", "CROYDON", "EALING",
    "ENFIELD", "GREENWICH", "HACKNEY", "HAMMERSMITH AND FULHAM", "HARINGEY", "HARROW", "HAVERING",
    "HILLINGDON", "HOUNSLOW", "ISLINGTON", "KENSINGTON AND CHELSEA", "KINGSTON UPON THAMES",
    "LAMBETH", "LEWISHAM", "MERTON", "NEWHAM", "REDBRIDGE", "RICHMOND UPON THAMES", "SOUTHWARK",
    "SUTTON", "TOWER HAMLETS", "WALTHAM FOREST", "WANDSWORTH", "WESTMINSTER",
)  # fmt: skip

METROPOLITAN_DISTRICTS = (
    "BARNSLEY", "BIRMINGHAM", "BOLTON", "BRADFORD", "BURY", "CALDERDALE", "COVENTRY", "DONCASTER",
    "DUDLEY", "GATESHEAD", "KIRKLEES", "KNOWSLEY", "LEEDS", "LIVERPOOL", "MANCHESTER",
    "NEWCASTLE UPON TYNE", "NEWCASTLE", "NORTH TYNESIDE", "OLDHAM", "ROCHDALE", "ROTHERHAM",
    "ST HELENS", "SALFORD", "SANDWELL", "SEFTON", "SHEFFIELD", "SOLIHULL", "SOUTH TYNESIDE",
    "STOCKPORT", "SUNDERLAND", "TAMESIDE", "TRAFFORD", "WAKEFIELD", "WALSALL", "WIGAN", "WIRRAL",
    "WOLVERHAMPTON",
)  # fmt: skip

ENGLISH_UNITARIES = (
    "BATH AND NORTH EAST SOMERSET", "BEDFORD", "BLACKBURN WITH DARWEN", "BLACKPOOL", "BOURNEMOUTH",
    "BOURNEMOUTH CHRISTCHURCH AND POOLE", "POOLE", "BRACKNELL FOREST", "BRIGHTON AND HOVE",
    "BRISTOL", "BUCKINGHAMSHIRE", "CENTRAL BEDFORDSHIRE", "CHESHIRE EAST",
    "CHESHIRE WEST AND CHESTER", "CORNWALL", "CUMBERLAND", "DARLINGTON", "DERBY", "DORSET",
    "DURHAM", "EAST RIDING YORKSHIRE", "HALTON", "HARTLEPOOL", "HEREFORDSHIRE", "ISLE WIGHT",
    "ISLES SCILLY", "KINGSTON UPON HULL", "HULL", "LEICESTER", "LUTON", "MEDWAY", "MIDDLESBROUGH",
    "MILTON KEYNES", "NORTH EAST LINCOLNSHIRE", "NORTH LINCOLNSHIRE", "NORTH NORTHAMPTONSHIRE",
    "NORTH SOMERSET", "NORTH YORKSHIRE", "NORTHUMBERLAND", "NOTTINGHAM", "PETERBOROUGH",
    "PLYMOUTH", "PORTSMOUTH", "READING", "REDCAR AND CLEVELAND", "RUTLAND", "SHROPSHIRE",
    "SLOUGH", "SOMERSET", "SOUTH GLOUCESTERSHIRE", "SOUTHAMPTON", "SOUTHEND ON SEA",
    "STOCKTON ON TEES", "STOKE ON TRENT", "SWINDON", "TELFORD AND WREKIN", "THURROCK", "TORBAY",
    "WARRINGTON", "WEST BERKSHIRE", "WEST NORTHAMPTONSHIRE", "WESTMORLAND AND FURNESS",
    "WILTSHIRE", "WINDSOR AND MAIDENHEAD", "WOKINGHAM", "YORK",
)  # fmt: skip

#: Two-tier county councils (a name with COUNTY COUNCIL, or these places with "COUNCIL").
COUNTIES = (
    "BUCKINGHAMSHIRE", "CAMBRIDGESHIRE", "CUMBRIA", "DERBYSHIRE", "DEVON", "DORSET", "EAST SUSSEX",
    "ESSEX", "GLOUCESTERSHIRE", "HAMPSHIRE", "HERTFORDSHIRE", "KENT", "LANCASHIRE",
    "LEICESTERSHIRE", "LINCOLNSHIRE", "NORFOLK", "NORTHAMPTONSHIRE", "NORTH YORKSHIRE",
    "NOTTINGHAMSHIRE", "OXFORDSHIRE", "SOMERSET", "STAFFORDSHIRE", "SUFFOLK", "SURREY",
    "WARWICKSHIRE", "WEST SUSSEX", "WORCESTERSHIRE",
)  # fmt: skip
# Counties that exist only as unitary councils, or whose "COUNTY COUNCIL" is unitary.
_UNITARY_ONLY_COUNTIES = ("DURHAM", "NORTHUMBERLAND", "ISLE ANGLESEY")

WELSH_COUNCILS = (
    "ISLE ANGLESEY", "ANGLESEY", "BLAENAU GWENT", "BRIDGEND", "CAERPHILLY", "CARDIFF",
    "CARMARTHENSHIRE", "CEREDIGION", "CONWY", "DENBIGHSHIRE", "FLINTSHIRE", "GWYNEDD",
    "MERTHYR TYDFIL", "MONMOUTHSHIRE", "NEATH PORT TALBOT", "NEWPORT", "PEMBROKESHIRE", "POWYS",
    "RHONDDA CYNON TAF", "SWANSEA", "TORFAEN", "VALE GLAMORGAN", "WREXHAM",
)  # fmt: skip

SCOTTISH_COUNCILS = (
    "ABERDEEN", "ABERDEENSHIRE", "ANGUS", "ARGYLL AND BUTE", "CLACKMANNANSHIRE",
    "DUMFRIES AND GALLOWAY", "DUNDEE", "EAST AYRSHIRE", "EAST DUNBARTONSHIRE", "EAST LOTHIAN",
    "EAST RENFREWSHIRE", "EDINBURGH", "NA H EILEANAN SIAR", "NAN EILEAN SIAR", "FALKIRK", "FIFE",
    "GLASGOW", "HIGHLAND", "INVERCLYDE", "MIDLOTHIAN", "MORAY", "NORTH AYRSHIRE",
    "NORTH LANARKSHIRE", "ORKNEY ISLANDS", "ORKNEY", "PERTH AND KINROSS", "RENFREWSHIRE",
    "SCOTTISH BORDERS", "SHETLAND ISLANDS", "SHETLAND", "SOUTH AYRSHIRE", "SOUTH LANARKSHIRE",
    "STIRLING", "WEST DUNBARTONSHIRE", "WEST LOTHIAN",
)  # fmt: skip

# Postcode areas wholly in Wales or Scotland (SY, CH, TD and others straddle a border: left out).
_WELSH_AREAS = ("CF", "LL", "NP", "SA", "LD")
_SCOTTISH_AREAS = (
    "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "ZE",
)  # fmt: skip

#: Local government reorganisations since 2017: (vesting date, area, successor, predecessors).
#: Names are as the councils call themselves; joint submissions of two councils that later went
#: to different successors are listed under both.
REORGANISATIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "2019-04-01",
        "Dorset",
        "Bournemouth, Christchurch and Poole Council",
        (
            "Bournemouth Borough Council",
            "Borough of Poole",
            "Christchurch Borough Council",
            "Christchurch and East Dorset Councils",
        ),
    ),
    (
        "2019-04-01",
        "Dorset",
        "Dorset Council",
        (
            "Dorset County Council",
            "East Dorset District Council",
            "Christchurch and East Dorset Councils",
            "North Dorset District Council",
            "Purbeck District Council",
            "West Dorset District Council",
            "Weymouth and Portland Borough Council",
        ),
    ),
    (
        "2019-04-01",
        "Suffolk",
        "East Suffolk Council",
        (
            "Suffolk Coastal District Council",
            "Waveney District Council",
            "Suffolk Coastal District Council and Waveney District Counci",
        ),
    ),
    (
        "2019-04-01",
        "Suffolk",
        "West Suffolk Council",
        ("Forest Heath District Council", "St Edmundsbury Borough Council"),
    ),
    (
        "2019-04-01",
        "Somerset",
        "Somerset West and Taunton Council",
        ("Taunton Deane Borough Council", "West Somerset District Council"),
    ),
    (
        "2020-04-01",
        "Buckinghamshire",
        "Buckinghamshire Council",
        (
            "Buckinghamshire County Council",
            "Aylesbury Vale District Council",
            "Chiltern District Council",
            "South Bucks District Council",
            "Wycombe District Council",
        ),
    ),
    (
        "2021-04-01",
        "Northamptonshire",
        "North Northamptonshire Council",
        (
            "Northamptonshire County Council",
            "Corby Borough Council",
            "East Northamptonshire Council",
            "Kettering Borough Council",
            "Wellingborough Borough Council",
            "Borough Council of Wellingborough",
        ),
    ),
    (
        "2021-04-01",
        "Northamptonshire",
        "West Northamptonshire Council",
        (
            "Northamptonshire County Council",
            "Daventry District Council",
            "Northampton Borough Council",
            "South Northamptonshire Council",
        ),
    ),
    (
        "2023-04-01",
        "Cumbria",
        "Cumberland Council",
        (
            "Cumbria County Council",
            "Allerdale Borough Council",
            "Carlisle City Council",
            "Copeland Borough Council",
        ),
    ),
    (
        "2023-04-01",
        "Cumbria",
        "Westmorland and Furness Council",
        (
            "Cumbria County Council",
            "Barrow-in-Furness Borough Council",
            "Eden District Council",
            "South Lakeland District Council",
        ),
    ),
    (
        "2023-04-01",
        "North Yorkshire",
        "North Yorkshire Council",
        (
            "North Yorkshire County Council",
            "Craven District Council",
            "Hambleton District Council",
            "Harrogate Borough Council",
            "Richmondshire District Council",
            "Ryedale District Council",
            "Scarborough Borough Council",
            "Selby District Council",
        ),
    ),
    (
        "2023-04-01",
        "Somerset",
        "Somerset Council",
        (
            "Somerset County Council",
            "Mendip District Council",
            "Sedgemoor District Council",
            "Sedgemoor Disrict Council",
            "Somerset West and Taunton Council",
            "South Somerset District Council",
        ),
    ),
)

#: Columns of the check extract, in its order.
EXTRACT_COLUMNS: tuple[str, ...] = (
    "reporting_year",
    "source_file",
    "EmployerName",
    "EmployerId",
    "CurrentName",
    "Address",
    "PostCode",
    "CompanyNumber",
    "SicCodes",
    *NUMERIC_COLUMNS,
    "EmployerSize",
    "SubmittedAfterTheDeadline",
    "DueDate",
    "DateSubmitted",
    "CompanyLinkToGPGInfo",
    "sic_has_84110",
    "name_token_type",
    "nation",
    "public_sector_snapshot",
    "employer_id_linked",
)


# ----------------------------------------------------------------------------- the rule


def _upper(names: pd.Series) -> pd.Series:
    text = names.astype(STRING).str.upper().str.replace(r"[ \t\r\n\f\v]+", " ", regex=True)
    return text.str.strip()


def _any(names: pd.Series, patterns: tuple[str, ...]) -> pd.Series:
    return names.str.contains("|".join(f"(?:{p})" for p in patterns), regex=True).fillna(False)


def on_unique(values: pd.Series, function) -> pd.Series:
    """``function`` applied to the distinct values only, spread back to every row (fast on the
    panel, where each employer name occurs up to eight times)."""
    codes, uniques = pd.factorize(values.astype(STRING), use_na_sentinel=False)
    result = function(pd.Series(uniques, dtype=STRING))
    return pd.Series(result.to_numpy()[codes], index=values.index, dtype=result.dtype)


def _council_rule(names: pd.Series) -> pd.Series:
    upper = _upper(names)
    return (_any(upper, INCLUDE) & ~_any(upper, EXCLUDE)).astype(bool)


def is_council(names: pd.Series) -> pd.Series:
    """True where an employer name is a council under the selection rule (module docstring)."""
    return on_unique(names, _council_rule).astype(bool)


def name_token_type(names: pd.Series) -> pd.Series:
    """The coarse type the name states (module docstring), e.g. ``"district_council_name"``."""
    upper = _upper(names)
    out = pd.Series(OTHER_NAME_TYPE, index=names.index, dtype="string")
    for label, pattern in reversed(NAME_TOKEN_TYPES):  # the first rule wins: apply it last
        out = out.mask(upper.str.contains(pattern, regex=True).fillna(False), label)
    return out


def place_key(names: pd.Series) -> pd.Series:
    """The place in a council's name: the normalised name without type words (``COUNCIL``...)."""
    key = normalise_name(names).str.replace(_TYPE_WORDS, " ", regex=True)
    return key.str.replace(r" +", " ", regex=True).str.strip()


def _postcode_area(postcode: pd.Series, address: pd.Series) -> pd.Series:
    """Letters of the postcode area, from ``PostCode`` or the end of ``Address``."""
    code = postcode.astype(STRING).str.upper().str.strip()
    tail = (
        address.astype(STRING)
        .str.upper()
        .str.extract(r"([A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})\W*$", expand=False)
    )
    return code.fillna(tail).str.extract(r"^([A-Z]{1,2})[0-9]", expand=False)


def nation(names: pd.Series, postcode: pd.Series, address: pd.Series) -> pd.Series:
    """England, Wales or Scotland: from the place in the name, else the postcode area."""
    place = place_key(names)
    area = _postcode_area(postcode, address)
    out = pd.Series("England", index=names.index, dtype="string")
    out = out.mask(area.isin(_WELSH_AREAS).fillna(False), "Wales")
    out = out.mask(area.isin(_SCOTTISH_AREAS).fillna(False), "Scotland")
    out = out.mask(place.isin(ENGLISH_UNITARIES + COUNTIES + LONDON_BOROUGHS), "England")
    out = out.mask(place.isin(WELSH_COUNCILS), "Wales")
    return out.mask(place.isin(SCOTTISH_COUNCILS), "Scotland")


def council_type(names: pd.Series, nations: pd.Series) -> pd.Series:
    """Coarse council type (one of :data:`COUNCIL_TYPES`) from the place name and nation."""
    upper = _upper(names)
    place = place_key(names)
    county_name = upper.str.contains(r"\bCOUNTY COUNCIL\b", regex=True).fillna(False)
    out = pd.Series("Shire district", index=names.index, dtype="string")
    out = out.mask(place.isin(ENGLISH_UNITARIES), "English unitary")
    is_county = place.isin(COUNTIES) & (county_name | ~place.isin(ENGLISH_UNITARIES))
    is_county |= county_name & ~place.isin(ENGLISH_UNITARIES + _UNITARY_ONLY_COUNTIES)
    out = out.mask(is_county, "County council")
    out = out.mask(place.isin(METROPOLITAN_DISTRICTS), "Metropolitan district")
    london = place.isin(LONDON_BOROUGHS) | upper.str.contains(
        r"\bCITY (?:OF )?LONDON CORPORATION\b|\bCORPORATION OF LONDON\b", regex=True
    ).fillna(False)
    out = out.mask(london, "London borough")
    out = out.mask(nations == "Wales", "Welsh unitary")
    return out.mask(nations == "Scotland", "Scottish council")


def reorganisations() -> pd.DataFrame:
    """The reorganisations as a tidy table: one row per predecessor and successor.

    Columns ``vesting_date`` (the day the new council took over), ``area``, ``successor``,
    ``predecessor``, ``last_predecessor_year`` (the reporting year whose snapshot, 31 March, is
    the predecessors' last day) and ``first_successor_year``.
    """
    rows = [
        (vesting, area, successor, predecessor)
        for vesting, area, successor, predecessors in REORGANISATIONS
        for predecessor in predecessors
    ]
    table = pd.DataFrame(rows, columns=["vesting_date", "area", "successor", "predecessor"])
    year = pd.to_datetime(table["vesting_date"]).dt.year
    table["last_predecessor_year"] = (
        year.astype("string") + "-" + (year + 1).astype("string").str[-2:]
    )
    table["first_successor_year"] = (
        (year + 1).astype("string") + "-" + (year + 2).astype("string").str[-2:]
    )
    return table


# ----------------------------------------------------------------------------- linking


def _link_ids(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``employer_id_linked`` and ``link_method`` (see the module docstring)."""
    with_id = frame[frame["EmployerId"].notna()].sort_values("year_start")
    by_name = with_id.drop_duplicates("name_key", keep="last").set_index("name_key")["EmployerId"]
    from_name = frame["name_key"].map(by_name)
    from_current = normalise_name(frame["CurrentName"]).map(by_name)
    linked = frame["EmployerId"].fillna(from_name).fillna(from_current).astype("Int64")
    # A second pass spreads an id found through CurrentName to the same name in other years
    # (Shepway District Council 2017-18, whose CurrentName was still Shepway).
    found = frame.assign(linked=linked).dropna(subset=["linked"]).sort_values("year_start")
    by_found = found.drop_duplicates("name_key", keep="last").set_index("name_key")["linked"]
    from_found = frame["name_key"].map(by_found)
    linked = linked.fillna(from_found).astype("Int64")
    method = pd.Series("", index=frame.index, dtype="string")
    method = method.mask(linked.notna() & from_found.notna(), "name of a linked submission")
    method = method.mask(linked.notna() & from_current.notna(), "CurrentName")
    method = method.mask(linked.notna() & from_name.notna(), "name")
    method = method.mask(frame["EmployerId"].notna(), "EmployerId")
    return linked, method


def _reorganisation_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``successor`` and ``abolished`` for predecessors, ``predecessors`` and ``created`` for
    successors (a council can be both: Somerset West and Taunton, 2019 and 2023)."""
    table = reorganisations()
    table["predecessor_key"] = normalise_name(table["predecessor"])
    table["successor_key"] = normalise_name(table["successor"])
    table["vesting_date"] = pd.to_datetime(table["vesting_date"])
    ended = table.groupby("predecessor_key").agg(
        successor=("successor", lambda s: " and ".join(dict.fromkeys(s))),
        abolished=("vesting_date", "first"),
    )
    began = table.groupby("successor_key").agg(
        predecessors=("predecessor", lambda s: "; ".join(s)),
        created=("vesting_date", "first"),
    )
    key = frame["name_key"]
    return pd.DataFrame(
        {
            "successor": key.map(ended["successor"]).astype("string"),
            "abolished": key.map(ended["abolished"]),
            "predecessors": key.map(began["predecessors"]).astype("string"),
            "created": key.map(began["created"]),
        },
        index=frame.index,
    )


def _council_ids(frame: pd.DataFrame) -> pd.Series:
    """``id:<EmployerId>``, or ``name:<key>`` when unlinked. A new council that inherited the
    service record of a council it replaced (North Yorkshire County Council's id went to North
    Yorkshire Council in 2023) gets ``id:<EmployerId>~<year created>``: it is another council."""
    ids = frame["employer_id_linked"].astype("string").radd("id:")
    ids = ids.fillna("name:" + frame["name_key"])
    replaced = set(ids[frame["successor"].notna()])
    inherits = frame["created"].notna() & ids.isin(replaced) & frame["successor"].isna()
    suffix = "~" + frame["created"].dt.year.astype("Int64").astype("string")
    return ids.mask(inherits, ids + suffix)


def councils(panel: pd.DataFrame) -> pd.DataFrame:
    """Council submissions of every year, with the derived columns of the module docstring.

    Parameters
    ----------
    panel
        The harmonised panel from :func:`research.data.gpg.panel.load_panel`.

    Returns
    -------
    pandas.DataFrame
        One row per council submission (superseded duplicates included, flagged ``superseded``),
        the panel's columns plus ``sic_has_84110``, ``name_token_type``, ``nation``,
        ``council_type``, ``public_sector_snapshot``, ``employer_id_linked``, ``link_method``,
        ``council_id``, ``council_name`` (the council's latest name), ``successor`` and
        ``abolished`` (for councils replaced in a reorganisation), ``predecessors`` and
        ``created`` (for the councils that replaced them).
    """
    require_columns(panel, ["EmployerName", "EmployerId", "name_key", "DueDate"], role="panel")
    frame = panel.loc[is_council(panel["EmployerName"])].copy()
    if frame.empty:
        raise InputError("No council found in the panel: is it a GOV.UK pay gap download?")
    codes = frame["SicCodes"].astype("string").fillna("")
    frame["sic_has_84110"] = codes.str.contains(r"(?:^|,)84110(?:,|$)", regex=True).astype(bool)
    frame["name_token_type"] = name_token_type(frame["EmployerName"])
    frame["nation"] = nation(frame["EmployerName"], frame["PostCode"], frame["Address"])
    frame["council_type"] = pd.Categorical(
        council_type(frame["EmployerName"], frame["nation"]), categories=COUNCIL_TYPES
    )
    due = frame["DueDate"]
    snapshot = pd.Series((due.dt.month == 3) & (due.dt.day == 31), dtype="boolean")
    frame["public_sector_snapshot"] = snapshot.mask(frame["reporting_year"] == "2020-21")
    frame["employer_id_linked"], frame["link_method"] = _link_ids(frame)
    frame = frame.join(_reorganisation_columns(frame))
    frame["council_id"] = _council_ids(frame)
    latest = frame.sort_values(["year_start", "DateSubmitted"]).drop_duplicates(
        "council_id", keep="last"
    )
    names = latest.set_index("council_id")["EmployerName"]
    names = names.mask(names == names.str.lower(), names.str.title())  # "renfrewshire council"
    frame["council_name"] = frame["council_id"].map(names)
    return frame.sort_values(["year_start", "name_key", "DateSubmitted"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- check extract


def _numeric_column(column: str) -> bool:
    return column.endswith(("Percent", "Quartile"))


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """The extract's columns in one spelling (text, or floats for the figures), to compare."""
    out = pd.DataFrame(index=frame.index)
    for column in EXTRACT_COLUMNS:
        values = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index)
        if _numeric_column(column):
            out[column] = pd.to_numeric(values, errors="coerce").astype("float64")
            continue
        if column in ("DueDate", "DateSubmitted"):
            values = pd.to_datetime(values, errors="coerce").dt.strftime("%Y-%m-%d %H:%M:%S")
        elif column in ("EmployerId", "employer_id_linked"):
            values = pd.to_numeric(values, errors="coerce").astype("Int64").astype("string")
        elif column == "source_file":
            values = values.astype("string").str.extract(r"([^/]+?)(?:\.gz)?$", expand=False)
        elif column in ("SubmittedAfterTheDeadline", "sic_has_84110", "public_sector_snapshot"):
            values = values.astype("string").str.lower()
        values = values.astype("string").fillna("")
        out[column] = values.str.replace(r"[ \t\r\n]+", " ", regex=True).str.strip()
    return out


def compare_with_extract(
    rebuilt: pd.DataFrame, extract: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare rebuilt council rows with the check extract, row by row and cell by cell.

    Rows are matched on reporting year, source file, employer name and submission time.

    Parameters
    ----------
    rebuilt
        :func:`councils` output.
    extract
        The extract read as text (:func:`research.data.gpg.load.read_extract` reads
        ``data/raw/gpg/gpg_local_authorities.csv.gz``).

    Returns
    -------
    rows : pandas.DataFrame
        Per reporting year: rows in the extract, rows rebuilt, rows matched, only in the extract,
        only rebuilt.
    cells : pandas.DataFrame
        Every differing cell of matched rows: ``reporting_year``, ``EmployerName``, ``column``,
        ``extract`` and ``rebuilt`` values.
    """
    left, right = _comparable(extract), _comparable(rebuilt)
    keys = ["reporting_year", "source_file", "EmployerName", "DateSubmitted"]
    for side in (left, right):
        side["_n"] = side.groupby(keys).cumcount()
    merged = left.merge(right, on=[*keys, "_n"], how="outer", suffixes=("_x", "_r"), indicator=True)
    rows = (
        merged.groupby(["reporting_year", "_merge"], observed=False)
        .size()
        .unstack(fill_value=0)
        .rename(
            columns={"both": "matched", "left_only": "only_extract", "right_only": "only_rebuilt"}
        )
    )
    rows["extract"] = rows["matched"] + rows["only_extract"]
    rows["rebuilt"] = rows["matched"] + rows["only_rebuilt"]
    rows = rows.reset_index()[
        ["reporting_year", "extract", "rebuilt", "matched", "only_extract", "only_rebuilt"]
    ]
    both = merged[merged["_merge"] == "both"]
    diffs = []
    for column in EXTRACT_COLUMNS:
        if column in keys:
            continue
        x, r = both[f"{column}_x"], both[f"{column}_r"]
        if _numeric_column(column):
            differ = ~((x - r).abs().le(1e-9) | (x.isna() & r.isna()))
        else:
            differ = x != r
        if differ.any():
            part = both.loc[differ, ["reporting_year", "EmployerName"]].copy()
            part["column"] = column
            part["extract"] = x[differ].astype("string")
            part["rebuilt"] = r[differ].astype("string")
            diffs.append(part)
    columns = ["reporting_year", "EmployerName", "column", "extract", "rebuilt"]
    cells = pd.concat(diffs, ignore_index=True) if diffs else pd.DataFrame(columns=columns)
    return rows, cells
