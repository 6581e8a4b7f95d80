"""The ``research`` command: a thin layer over the package's functions.

Commands: ``run`` (execute a notebook into a report), ``params`` (show a notebook's parameters),
``ingest`` (map a source file into the canonical schema), ``datasets`` (list named datasets),
``index`` (rebuild ``reports/index.html``), ``batch`` (run a plan of many notebooks and parameter
combinations in parallel with Dask), ``verify`` (re-execute a run or a plan and compare its
tables), ``pdf`` (print a run's report to an A4, tagged PDF with page numbers) and
``session start|stop|status`` (pre-started kernels for fast reruns, :mod:`research.run.session`).
Heavy libraries are imported only when a command needs
them, so bad parameters are refused in well under two seconds.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Research workbench: occupational segregation and the gender pay gap.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


def _parameter_values(pairs: list[str], files: list[Path]) -> dict:
    import yaml

    values: dict = {}
    for file in files:
        if not file.is_file():
            _fail(f"parameters file {file} not found.")
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except UnicodeDecodeError:
            _fail(f"parameters file {file} is not UTF-8 text: save it as UTF-8 YAML.")
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            _fail(
                f"parameters file {file} is not valid YAML{where}: write one 'name: value' "
                "per line, e.g. min_cell: 10."
            )
        if not isinstance(loaded, dict):
            _fail(f"parameters file {file} must be a YAML dictionary of name: value.")
        values.update(loaded)
    values.update(dict(zip(pairs[::2], pairs[1::2], strict=True)))
    bad = [repr(k) for k in values if not isinstance(k, str)]
    if bad:
        _fail(f"parameter names must be text, got {', '.join(bad)}: quote them in the YAML file.")
    return values


def _split_pairs(args: list[str]) -> tuple[list[str], list[Path]]:
    """Read ``-p NAME VALUE`` and ``-f FILE`` from the raw argument list (papermill's syntax)."""
    pairs: list[str] = []
    files: list[Path] = []
    i = 0
    while i < len(args):
        flag = args[i]
        if flag in ("-p", "--parameter"):
            if i + 2 >= len(args):
                _fail(f"{flag} needs a NAME and a VALUE, e.g. -p min_cell 5.")
            pairs += args[i + 1 : i + 3]
            i += 3
        elif flag in ("-f", "--parameters-file"):
            if i + 1 >= len(args):
                _fail(f"{flag} needs a YAML file.")
            files.append(Path(args[i + 1]))
            i += 2
        else:
            _fail(f"unexpected argument {flag!r}: use -p NAME VALUE or -f params.yaml.")
    return pairs, files


RUN_HELP = (
    "Run NOTEBOOK with parameters into reports/.\n\n"
    "Parameters: -p NAME VALUE (once per parameter) and -f params.yaml (a YAML file of "
    "name: value lines; -p wins over -f).\n\n"
    "Example: research run notebooks/10_pay_gap.ipynb -p dataset cincinnati -p min_cell 5\n\n"
    "research run NOTEBOOK --help also lists NOTEBOOK's parameters."
)


@app.command(
    context_settings={
        "allow_extra_args": True,
        "ignore_unknown_options": True,
        "help_option_names": [],
    },
    help=RUN_HELP,
)
def run(
    ctx: typer.Context,
    notebook: Annotated[
        Path | None, typer.Argument(help="Notebook to run, e.g. notebooks/00_data_audit.ipynb")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = sys.stderr.isatty(),
    timeout: Annotated[int, typer.Option(help="Per-cell timeout in seconds (0: none).")] = 0,
    show_help: Annotated[
        bool,
        typer.Option("--help", "-h", help="Show this message and NOTEBOOK's parameters, and exit."),
    ] = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print the report to report.pdf (A4, Chromium).")
    ] = False,
) -> None:
    from research.run.params import ParameterError

    if show_help or "--help" in ctx.args or "-h" in ctx.args:
        _run_help(ctx, notebook)
        return
    if notebook is None:
        _fail("give a notebook to run, e.g. research run notebooks/10_pay_gap.ipynb (see --help).")
    from research.run.session import run as run_notebook  # pre-started kernel if a session runs

    pairs, files = _split_pairs(list(ctx.args))
    values = _parameter_values(pairs, files)
    try:
        result = run_notebook(notebook, values, progress=progress, timeout=timeout or None)
    except ParameterError as err:
        _fail(err.line or str(err))
    typer.echo(f"{result.status}: {result.html}")
    if pdf and result.html.is_file():
        _print_pdf(result.run_dir)
    if not result.ok:
        err = result.error or {}
        typer.secho(
            f"cell {err.get('cell_index')} raised {err.get('ename')}: {err.get('evalue')}",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(code=1)


def _run_help(ctx: typer.Context, notebook: Path | None) -> None:
    """``research run [NOTEBOOK] --help``: the command's help, then the notebook's parameters."""
    from research.run.params import ParameterError, read_parameters

    typer.echo(ctx.get_help())
    if notebook is None:
        return
    try:
        declared = read_parameters(notebook)
    except ParameterError as err:
        _fail(str(err))
    typer.echo(
        f"\nParameters of {notebook} (-p NAME VALUE): name (type, allowed values; default): "
        f"help\n{declared.describe() or '  (none)'}"
    )


@app.command(help="Show a notebook's parameters: names, types, allowed values, defaults, help.")
def params(notebook: Path) -> None:
    from research.run.params import ParameterError, read_parameters

    try:
        declared = read_parameters(notebook)
    except ParameterError as err:
        _fail(str(err))
    typer.echo(f"Parameters of {notebook}:\n{declared.describe()}")


@app.command(help="Ingest FILE with a column mapping into data/processed/NAME.parquet.")
def ingest(
    file: Path,
    mapping: Annotated[str, typer.Option("--mapping", "-m", help="YAML mapping or shipped name")],
    name: Annotated[str, typer.Option("--name", "-n", help="Dataset name to write")],
    out_dir: Annotated[Path | None, typer.Option(help="Folder (default data/processed)")] = None,
) -> None:
    from research.data import ingest as ingest_mod
    from research.data.mapping import MappingError
    from research.data.readers import ReadError

    try:
        result = ingest_mod.ingest(file, mapping)
    except (MappingError, ReadError, ingest_mod.IngestError) as err:
        _fail(str(err))
    paths = ingest_mod.write(result, name, out_dir)
    counts = result.summary["counts"]
    typer.echo(
        f"{name}: read {counts['read']:,} rows = {counts['accepted']:,} accepted + "
        f"{counts['quarantined']:,} quarantined"
    )
    for row in result.problems.itertuples():
        typer.echo(f"  - {row.column}: {row.problem}: {row.n_rows:,} rows, e.g. {row.examples}")
    for kind, path in paths.items():
        typer.echo(f"  {kind}: {path}")


@app.command(help="Ingest the bundled real datasets (idempotent: skipped when current).")
def prepare(
    force: Annotated[bool, typer.Option(help="Ingest again even if current.")] = False,
) -> None:
    from research.data.datasets import BUNDLED, ingest_bundled

    for name in BUNDLED:
        paths = ingest_bundled(name, force=force)
        typer.echo(f"{name}: {paths['data']}")


@app.command(help="List the datasets that notebooks accept by name, with what each holds.")
def datasets() -> None:
    from research.data.datasets import GPG_FOLDER, DatasetError, describe
    from research.run.params import dataset_names

    for name in dataset_names():
        try:
            text = describe(name)
        except DatasetError as err:  # e.g. no downloads in data/raw/gpg
            text = f"not available: {err}"
        if name == GPG_FOLDER:
            text += " (for notebooks/60_council_benchmark.ipynb)"
        typer.echo(f"{name:<20} {text}")


@app.command(help="Rebuild reports/index.html from every run's manifest.")
def index() -> None:
    from research.core.paths import reports_dir
    from research.run.site import build_index

    typer.echo(build_index(reports_dir()))


@app.command(help="Run a batch PLAN.yaml: every notebook x parameter combination, in parallel.")
def batch(
    plan: Annotated[Path, typer.Argument(help="Plan file, e.g. plans/cincinnati_by_family.yaml")],
    workers: Annotated[int, typer.Option(help="Local Dask workers (0: the number of cores).")] = 0,
    scheduler: Annotated[
        str, typer.Option(help="Address of an existing Dask scheduler, e.g. tcp://host:8786.")
    ] = "",
    timeout: Annotated[
        float, typer.Option(help="Time limit per run in seconds (0: the plan's, else none).")
    ] = 0,
    force: Annotated[bool, typer.Option(help="Rerun runs that are already current.")] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Validate and list the runs and whether each is current.")
    ] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = sys.stderr.isatty(),
) -> None:
    from research.core.paths import reports_dir
    from research.run.batch import PlanError, load_plan, plan_runs, run_state

    try:
        loaded = load_plan(plan)
        runs = plan_runs(loaded)
    except PlanError as err:
        _fail(str(err))
    reports = reports_dir()
    if dry_run:
        states = [run_state(r, reports) for r in runs]
        for run, state in zip(runs, states, strict=True):
            action = "skip" if state == "current" and not force else "run "
            typer.echo(f"{action} {state:<8} {run.stem}/{run.run_id}  {run.label}")
        todo = sum(force or s != "current" for s in states)
        typer.echo(f"Plan {loaded.name}: {len(runs)} runs valid, {todo} to run.")
        return
    from research.run.execute import run_plan

    result = run_plan(
        loaded,
        reports=reports,
        workers=workers or None,
        scheduler=scheduler or None,
        timeout=timeout or None,
        force=force,
        progress=progress,
        runs=runs,
    )
    typer.echo(result.summary())
    typer.echo(f"Reports index: {reports / 'index.html'}")
    if not result.ok:
        raise typer.Exit(code=1)


@app.command(
    help="Re-execute RUN_DIR from its manifest and compare its tables (or every run of --plan)."
)
def verify(
    run_dir: Annotated[
        Path | None, typer.Argument(help="A run folder, reports/<notebook>/<run-id>")
    ] = None,
    plan: Annotated[Path | None, typer.Option(help="Verify every run of this plan.")] = None,
    workers: Annotated[int, typer.Option(help="Dask workers for --plan (0: cores).")] = 0,
    scheduler: Annotated[str, typer.Option(help="Existing Dask scheduler for --plan.")] = "",
    keep: Annotated[bool, typer.Option(help="Keep the re-run even when reproducible.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = sys.stderr.isatty(),
) -> None:
    if (run_dir is None) == (plan is None):
        _fail("give a run folder or --plan PLAN.yaml (one of them).")
    if run_dir is not None:
        from research.run.manifest import FILE_NAME
        from research.run.verify import verify_run

        if not (run_dir / FILE_NAME).is_file():
            _fail(f"{run_dir} has no manifest.json: give a folder reports/<notebook>/<run-id>.")
        outcome = verify_run(run_dir, keep=keep)
        if outcome.status in ("refused", "unreadable"):  # nothing was executed
            _fail(f"{run_dir}: {outcome.status}: {outcome.messages[0]}")
        typer.echo(outcome.describe())
        if not outcome.ok:
            raise typer.Exit(code=1)
        return
    from research.run.batch import PlanError
    from research.run.verify import verify_plan

    try:
        outcomes = verify_plan(
            plan, workers=workers or None, scheduler=scheduler or None, progress=progress
        )
    except PlanError as err:
        _fail(str(err))
    for item in outcomes:
        typer.echo(f"{item['label']}: {item['status']}  ({item['run_dir']})")
        for line in [*item.get("messages", []), *item.get("diffs", [])]:
            typer.echo("    " + line.replace("\n", "\n    "))
    bad = [o for o in outcomes if o["status"] != "reproducible"]
    typer.echo(f"{len(outcomes) - len(bad)} of {len(outcomes)} runs reproducible.")
    if bad:
        raise typer.Exit(code=1)


@app.command(help="Print RUN_DIR's report.html to report.pdf: A4, page numbers, tagged.")
def pdf(
    run_dir: Annotated[Path, typer.Argument(help="A run folder, reports/<notebook>/<run-id>")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="PDF file (default RUN_DIR/report.pdf).")
    ] = None,
) -> None:
    _print_pdf(run_dir, out)


def _print_pdf(run_dir: Path, out: Path | None = None) -> None:
    from research.run.export.pdf import PdfError, print_pdf

    try:
        path = print_pdf(run_dir, out)
    except PdfError as err:
        _fail(str(err))
    typer.echo(f"pdf: {path}")
    reports = Path(run_dir).resolve().parent.parent
    if out is None and (reports / "index.html").is_file():  # the site links the new PDF
        from research.run.site import build_index

        build_index(reports)


session_app = typer.Typer(
    help="A session of pre-started kernels for fast reruns (research run and batch use it).",
    no_args_is_help=True,
)
app.add_typer(session_app, name="session")


@session_app.command("start", help="Start the session in the background (one per project).")
def session_start(
    kernels: Annotated[int, typer.Option(help="Kernels kept started (pool size).")] = 2,
    wait: Annotated[bool, typer.Option(help="Return once the kernels are ready.")] = True,
) -> None:
    from research.run.session import SessionError, start

    try:
        state = start(kernels, wait=wait)
    except SessionError as err:
        _fail(str(err))
    _echo_session(state)


@session_app.command("stop", help="Stop the session and its kernels.")
def session_stop() -> None:
    from research.run.session import stop

    typer.echo("session stopped" if stop() else "no session was running")


@session_app.command("status", help="Show whether a session runs, its kernels and runs served.")
def session_status() -> None:
    from research.run.session import status

    state = status()
    if state is None:
        typer.echo("no session is running (research session start)")
        raise typer.Exit(code=1)
    _echo_session(state)


def _echo_session(state: dict) -> None:
    k = state["kernels"]
    typer.echo(
        f"session pid {state['pid']} for {state['root']} (socket {state['socket']})\n"
        f"kernels: {k['ready']} ready, {k['starting']} starting (pool of {k['size']}); "
        f"runs served: {state['runs']}"
        + (
            "\nSTALE: the research package changed; stop and start the session."
            if state["stale"]
            else ""
        )
        + (f"\nlast kernel start failure: {k['last_error']}" if k["last_error"] else "")
    )


_WRITABLE = (
    "make the folder writable for this user, or write elsewhere (RESEARCH_REPORTS_DIR for "
    "reports, --out-dir for ingest)"
)
_OS_FIXES = {
    errno.ENOSPC: (
        "no space left on device",
        "free some space, or set RESEARCH_REPORTS_DIR to a folder on another disk, and run again",
    ),
    errno.EDQUOT: ("disk quota exceeded", "free some space and run again"),
    errno.EROFS: ("read-only file system", _WRITABLE),
    errno.EACCES: ("permission denied", _WRITABLE),
    errno.EPERM: ("operation not permitted", _WRITABLE),
}


def describe_os_error(err: OSError) -> str:
    """One line for a file-system fault: what failed, on which file, and the fix."""
    problem, fix = _OS_FIXES.get(
        err.errno or 0, (err.strerror or type(err).__name__, "check the file and run again")
    )
    where = f" ({err.filename})" if err.filename else ""
    return f"{problem}{where}: {fix}."


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: a file-system fault is one line and exit code 1, not a traceback."""
    try:
        app(args=argv)
    except OSError as err:
        typer.secho(f"error: {describe_os_error(err)}", fg=typer.colors.RED, err=True)
        sys.exit(1)
