"""GOV.UK gender pay gap service downloads: read, harmonised into one panel, cached.

* :mod:`~research.data.gpg.panel` - read every service download into one table (``load_panel``),
  cached as Parquet.
* :mod:`~research.data.gpg.load` - what ``notebooks/60_council_benchmark.ipynb`` loads
  (``load("gpg")``: panel, files read, check extract).

The council benchmark (:mod:`research.gpg`) takes these DataFrames; it never reads files.
"""

from research.data.gpg.load import DATASETS, GpgData, input_files, load, read_extract
from research.data.gpg.panel import (
    SERVICE_COLUMNS,
    GpgFormatError,
    default_paths,
    harmonise,
    load_panel,
    panel_sources,
    read_download,
)

__all__ = [
    "DATASETS",
    "SERVICE_COLUMNS",
    "GpgData",
    "GpgFormatError",
    "default_paths",
    "harmonise",
    "input_files",
    "load",
    "load_panel",
    "panel_sources",
    "read_download",
    "read_extract",
]
