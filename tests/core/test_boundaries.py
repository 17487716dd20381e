"""The boundaries of ARCHITECTURE.md are import-linter contracts (pyproject.toml): the real tree
keeps them, and a deliberate breach of each one breaks it."""

import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp
import pytest

from scripts.importlinter_contracts import PrivateNamesContract

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}
# The rules of ARCHITECTURE.md: removing one of these contracts fails the tests below.
EXPECTED = [
    "modules-independent",
    "platform-imports-no-module",
    "pure-python",
    "core-private-names",
]
# Direct subpackages of civitas that are platform, not business modules.
PLATFORM = {"core", "cms", "scheduling", "settings"}
LINT = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"


def lint_imports(cwd: Path, src: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "240", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", LINT, "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_project(tmp_path: Path) -> Path:
    """The Python files of the real tree, the real contracts and the custom contract type."""
    project = tmp_path / "project"

    def not_python(directory, names):
        return [
            name
            for name in names
            if name == "__pycache__"
            or (not name.endswith(".py") and not Path(directory, name).is_dir())
        ]

    shutil.copytree(ROOT / "src" / "civitas", project / "src" / "civitas", ignore=not_python)
    (project / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "importlinter_contracts.py", project / "scripts")
    shutil.copy(ROOT / "pyproject.toml", project)
    return project


def write(path: Path, code: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code))


def contract_line(contract_id: str, verdict: str) -> str:
    assert contract_id in CONTRACTS, f"contract {contract_id} is missing from pyproject.toml"
    return f"{CONTRACTS[contract_id]['name']} {verdict}"


def test_the_real_tree_keeps_the_contracts():
    result = lint_imports(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    for contract_id in EXPECTED:
        assert contract_line(contract_id, "KEPT") in result.stdout


def test_a_deliberate_breach_of_each_contract_fails(tmp_path):
    project = copy_project(tmp_path)
    src = project / "src" / "civitas"
    # Business modules importing each other: a new module (listed as optional) imports events.
    write(src / "support" / "__init__.py", "")
    write(src / "support" / "tickets.py", "from civitas.events import models\n")
    # The platform importing a business module.
    write(src / "core" / "breach.py", "import civitas.events.services\n")
    # The scheduler and the calendar importing Django.
    write(src / "scheduling" / "breach.py", "from django.db import models\n")
    with (src / "core" / "calendar.py").open("a") as calendar:
        calendar.write("\nfrom django.utils import timezone  # noqa\n")
    # A module using private names and modules of core, in every spelling.
    write(
        src / "events" / "breach.py",
        """\
        import civitas.core.journal as journal_module
        from civitas.core import journal, models
        from civitas.core.journal import _hidden
        from civitas.core._secret import thing
        from ..core.outbox import _internal

        journal._entries()
        journal_module._more
        models.User._meta  # an attribute of a class, not a name of core: allowed
        journal.__name__  # dunder: allowed
        """,
    )

    result = lint_imports(project, project / "src")
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    for contract_id in EXPECTED:
        assert contract_line(contract_id, "BROKEN") in out, contract_id
    assert "civitas.support.tickets -> civitas.events.models" in out
    assert "civitas.core.breach -> civitas.events.services" in out
    assert "civitas.scheduling.breach -> django" in out
    assert "civitas.core.calendar -> django" in out
    for private in (
        "civitas.core.journal._hidden",
        "civitas.core._secret",
        "civitas.core.outbox._internal",
        "civitas.core.journal._entries",
        "civitas.core.journal._more",
    ):
        assert f"- civitas.events.breach uses the private {private} (" in out, private
    assert "_meta" not in out
    assert "__name__" not in out


def test_every_business_module_is_under_contract():
    """A new package under civitas/ is either platform or listed in the contracts."""
    modules = {
        path.name
        for path in (ROOT / "src" / "civitas").iterdir()
        if (path / "__init__.py").is_file()
    }
    listed = {
        item.strip().strip("()").removeprefix("civitas.")
        for layer in CONTRACTS["modules-independent"]["layers"]
        for item in layer.split("|")
    }
    assert modules - PLATFORM <= listed, "add the module to the contracts (CONTRIBUTING.md)"
    upper = CONTRACTS["platform-imports-no-module"]["layers"][0]
    private_sources = set(CONTRACTS["core-private-names"]["source_modules"])
    for module in listed:
        assert f"civitas.{module}" in upper, module
        assert {f"civitas.{module}", f"(civitas.{module})"} & private_sources, module
    assert {"core", "cms", "scheduling"} <= {
        item.strip().removeprefix("civitas.")
        for item in CONTRACTS["platform-imports-no-module"]["layers"][1].split(":")
    }


# The custom contract type on a tiny package of its own -----------------------------------


@pytest.fixture
def fake_tree(tmp_path, monkeypatch):
    root = tmp_path / "fakeciv"
    write(root / "__init__.py", "")
    write(root / "core" / "__init__.py", "")
    write(root / "core" / "journal.py", "def _entries(): ...\ndef record(): ...\n")
    write(root / "core" / "_secret.py", "")
    write(root / "events" / "__init__.py", "")
    write(
        root / "events" / "services.py",
        """\
        from fakeciv.core import journal
        from fakeciv.core.journal import record, _entries

        def f():
            journal._entries()
            return record()
        """,
    )
    write(
        root / "events" / "clean.py",
        """\
        from fakeciv import core
        from fakeciv.core import journal as j
        from fakeciv.core.journal import record

        def g(user):
            return record(), j.record, core.journal.record, user._meta, j.__name__
        """,
    )
    write(
        root / "events" / "package.py",
        """\
        from fakeciv import core as platform
        from . import services

        platform.journal._entries()
        services._local()
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return grimp.build_graph("fakeciv", cache_dir=None)


def check(graph, **options):
    options = {
        "source_modules": ["fakeciv.events"],
        "protected_modules": ["fakeciv.core"],
        **options,
    }
    contract = PrivateNamesContract("private names", {"root_packages": ["fakeciv"]}, options)
    return contract.check(graph, verbose=False)


def test_private_names_contract_lists_each_use(fake_tree):
    result = check(fake_tree)
    assert not result.kept
    found = [(v.importer, v.line, v.imported) for v in result.metadata["violations"]]
    assert found == [
        ("fakeciv.events.package", 4, "fakeciv.core.journal._entries"),
        ("fakeciv.events.services", 2, "fakeciv.core.journal._entries"),
        ("fakeciv.events.services", 5, "fakeciv.core.journal._entries"),
    ]


def test_private_names_contract_allowlist_and_its_stale_entries(fake_tree):
    allowed = [
        "fakeciv.events.services -> fakeciv.core.journal._entries",
        "fakeciv.events.package -> fakeciv.core.journal._entries",
    ]
    result = check(fake_tree, allowed=allowed)
    assert result.kept and not result.warnings
    stale = [*allowed, "fakeciv.events.clean -> fakeciv.core.journal._gone"]
    result = check(fake_tree, allowed=stale)
    assert result.kept
    assert result.warnings == [
        "Allowed private import 'fakeciv.events.clean -> fakeciv.core.journal._gone' "
        "no longer occurs: remove it from `allowed`."
    ]


def test_private_names_contract_optional_and_missing_modules(fake_tree):
    assert not check(fake_tree, source_modules=["fakeciv.events", "(fakeciv.support)"]).kept
    with pytest.raises(ValueError, match="fakeciv.support"):
        check(fake_tree, source_modules=["fakeciv.support"])
