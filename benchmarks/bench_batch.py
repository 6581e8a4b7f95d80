"""Benchmarks of batch runs: 40 small reports on 2 Dask workers against plain papermill.

The report is a small notebook (a synthetic workforce of 600, a headcount table, a figure) written
by ``SETUP`` into a temporary folder together with a plan of 40 runs (``seed`` 1 to 40):

* ``batch_40_reports_2_workers``: ``research.run.execute.run_plan`` on a local cluster of 2 workers,
  cluster start-up included, with everything the workbench adds (validation, input and code
  hashes, manifests, offline HTML with the report template, the site);
* ``papermill_nbconvert_40_serial``: the same 40 reports one after another with the plain
  command-line tools, ``papermill`` then ``jupyter nbconvert --to html`` for each;
* ``papermill_api_10_serial`` and ``runner_10_serial``: 10 reports in one process with
  ``papermill.execute_notebook`` alone, and with ``research.run.runner.run_notebook``; their
  difference divided by 10 is the per-report overhead of the workbench over papermill.

Speed-up = papermill_nbconvert_40_serial / batch_40_reports_2_workers (target: at least 1.8 on
2 cores).
"""

SETUP = r"""
import os, subprocess, sys, tempfile
from pathlib import Path
import nbformat
os.environ.setdefault("RESEARCH_PACKAGE_HASH", "bench")
HERE = Path(tempfile.mkdtemp(prefix="bench_batch-"))
nb = nbformat.v4.new_notebook()
nb.cells = [
    nbformat.v4.new_markdown_cell("# Small report\n\nHeadcount by job family and sex."),
    nbformat.v4.new_code_cell(
        'dataset: str = "synthetic:n_employees=600"  # Data [dataset]\n'
        "seed: int = 1  # Seed of the synthetic workforce [min: 0]"
    ),
    nbformat.v4.new_code_cell(
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "from research.data import datasets\nfrom research.present.report import Figure, Table, columns\n"
        "from research.present.show import show\n"
        "data = datasets.load(f'{dataset},seed={seed}')\n"
        "table = data.groupby(['job_family', 'sex'], observed=True).size().rename('n')"
        ".reset_index()\n"
        "show(Table('headcount', table, 'Headcount by job family and sex', "
        "columns(('job_family', 'Job family'), ('sex', 'Sex'), ('n', 'Employees', 'int'))))"
    ),
    nbformat.v4.new_markdown_cell("## Figure"),
    nbformat.v4.new_code_cell(
        "fig, ax = plt.subplots(figsize=(5, 3))\n"
        "table.pivot(index='job_family', columns='sex', values='n').plot.barh(ax=ax)\n"
        "show(Figure('headcount_chart', fig, 'Employees by job family and sex, as bars.', "
        "'headcount'))"
    ),
]
nb.cells[1].metadata["tags"] = ["parameters"]
nb.metadata["kernelspec"] = {"name": "research", "display_name": "research", "language": "python"}
NOTEBOOK = HERE / "small_report.ipynb"
nbformat.write(nb, NOTEBOOK)
PLAN = HERE / "plan.yaml"
PLAN.write_text(f"name: bench\nnotebooks: [{NOTEBOOK}]\ngrid:\n  seed: {{from: range, first: 1, last: 40}}\n")
BIN = Path(sys.executable).parent
"""

CASES: dict[str, str] = {
    "batch_40_reports_2_workers": (
        "from research.run.execute import run_plan\n"
        "result = run_plan(PLAN, reports=HERE / 'reports', workers=2, progress=False)\n"
        "assert result.ok and len(result.outcomes) == 40, result.summary()\n"
    ),
    "papermill_nbconvert_40_serial": (
        "out = HERE / 'plain'\n"
        "out.mkdir()\n"
        "for seed in range(1, 41):\n"
        "    target = out / f'report_{seed}.ipynb'\n"
        "    subprocess.run([str(BIN / 'papermill'), str(NOTEBOOK), str(target), '-p', 'seed',\n"
        "                    str(seed), '-k', 'research', '--no-progress-bar'], check=True,\n"
        "                   capture_output=True, cwd=HERE)\n"
        "    subprocess.run([str(BIN / 'jupyter'), 'nbconvert', '--to', 'html', str(target)],\n"
        "                   check=True, capture_output=True, cwd=HERE)\n"
    ),
    "papermill_api_10_serial": (
        "import papermill as pm\n"
        "os.environ['RESEARCH_RUN_DIR'] = str(HERE / 'api')\n"
        "for seed in range(1, 11):\n"
        "    pm.execute_notebook(str(NOTEBOOK), str(HERE / f'api_{seed}.ipynb'),\n"
        "                        parameters={'seed': seed}, kernel_name='research',\n"
        "                        progress_bar=False, cwd=str(HERE))\n"
    ),
    "runner_10_serial": (
        "from research.run.runner import run_notebook\n"
        "for seed in range(1, 11):\n"
        "    assert run_notebook(NOTEBOOK, {'seed': seed}, reports=HERE / 'runner').ok\n"
    ),
}

#: Peak memory of the calling process (workers and kernels are separate processes). The speed
#: target is a ratio of two cases (see the module docstring), which run.py does not express.
TARGETS: dict[str, dict[str, float]] = {
    "batch_40_reports_2_workers": {"peak_mb": 2048.0},
}
