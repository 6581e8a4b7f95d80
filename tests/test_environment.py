"""pyproject.toml, environment.yml and requirements.lock describe the same environment."""

import re
import tomllib

import yaml

from research.run.runner import KERNEL_NAME

REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<spec>.*)$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(requirements: list[str]) -> dict[str, str]:
    out = {}
    for line in requirements:
        match = REQUIREMENT.match(line.strip())
        out[normalise(match["name"])] = match["spec"].replace(" ", "")
    return out


def pyproject(root) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text())["project"]


def test_conda_environment_has_the_same_dependencies_and_bounds(root):
    project = pyproject(root)
    expected = parse(project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda = parse([d for d in env["dependencies"] if isinstance(d, str)])
    conda.pop("python"), conda.pop("pip")
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip[0] == "-e ."
    from_pip = parse([line.split("#")[0] for line in pip[1:]])  # packages not on conda-forge
    assert not set(from_pip) & set(conda)
    assert {**conda, **from_pip} == expected


def test_lock_pins_every_dependency_exactly(root):
    project = pyproject(root)
    lock = {}
    for line in (root / "requirements.lock").read_text().splitlines():
        name, _, version = line.partition("==")
        lock[normalise(name)] = version
    needed = parse(
        project["dependencies"]
        + project["optional-dependencies"]["dev"]
        + project["optional-dependencies"]["scale"]
    )
    missing = sorted(set(needed) - set(lock))
    assert not missing, f"requirements.lock lacks {missing}: run make lock"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", v) for v in lock.values())


def test_required_packages_of_the_design_card_are_declared(root):
    names = parse(pyproject(root)["dependencies"])
    for package in ("jupyterlab", "pandas", "seaborn", "statsmodels", "papermill", "nbconvert"):
        assert package in names


def test_makefile_registers_the_project_kernel(root):
    makefile = (root / "Makefile").read_text()
    assert "--name $(KERNEL)" in makefile and f"KERNEL := {KERNEL_NAME}" in makefile
    for target in ("setup:", "report:", "test:", "lab:", "clean:"):
        assert f"\n{target}" in makefile


def test_ci_runs_the_readme_test_command(root):
    assert "make test" in (root / ".ci" / "run").read_text()
    readme = (root / "README.md").read_text()
    assert readme.index("make report") < readme.index("make test")


def test_project_kernel_is_registered_in_the_environment():
    import sys
    from pathlib import Path

    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    assert KERNEL_NAME in specs, "run make setup to register the project kernel"
    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()
