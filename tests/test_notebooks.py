"""Every notebook is thin and stored clean: it walks a report object and narrates.

Running each notebook is tested in its own file (tests/test_nb_<NN>_<topic>.py) so that the runs
spread over the test workers.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
MAX_CODE_LINES = 60


def code_lines(nb) -> list[str]:
    """Non-blank code lines outside the parameters cell."""
    return [
        line
        for cell in nb.cells
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", [])
        for line in cell.source.splitlines()
        if line.strip()
    ]


def test_there_is_a_notebook_test_for_every_notebook():
    tests = {p.name.split("_")[2] for p in Path(__file__).parent.glob("test_nb_*.py")}
    assert {nb.name[:2] for nb in NOTEBOOKS} <= tests


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_stored_clean(path):
    nb = nbformat.read(path, as_version=4)
    lines = code_lines(nb)
    assert len(lines) <= MAX_CODE_LINES, f"{len(lines)} lines of code outside the parameters cell"
    wording = [line for line in lines if any(k in line for k in ("labels=", "formats=", 'f"'))]
    assert not wording, f"labels, formats and captions belong in the report code: {wording}"
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert all(
        not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code"
    )
    assert nb.metadata["kernelspec"]["name"] == "research"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    # "Method and caveats" is the last section; only appendices (checks of the data) follow it
    sections = [c.source for c in nb.cells if c.cell_type == "markdown"]
    sections = [s for s in sections if s.startswith("## ")]
    method = next(i for i, s in enumerate(sections) if s.startswith("## Method and caveats"))
    assert all(s.startswith("## Appendix") for s in sections[method + 1 :])
    assert nb.cells[-1].cell_type == "code" or nb.cells[-1].source.startswith("## ")
    assert any("show(report.findings)" in line for line in lines)
