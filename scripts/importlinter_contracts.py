"""Custom import-linter contract types for Civitas (a development tool, not shipped code).

import-linter reasons about modules: it can say that ``civitas.events.services.x`` imports
``civitas.core.journal``, not *which names* it takes from it. ARCHITECTURE.md also forbids a
module to use a name of core that starts with an underscore. ``PrivateNamesContract`` reads the
source of the checked modules (with :mod:`ast`, nothing is imported or executed) and reports:

- ``from civitas.core.x import _name`` (and ``from ..core.x import _name``);
- imports of a private module of core: ``civitas.core._x``, ``civitas.core.x._y`` in any form
  (``import``, ``from ... import``);
- attribute access to a private name of a core module bound in the file:
  ``from civitas.core import journal`` then ``journal._entries(...)``, or
  ``import civitas.core.journal as j`` then ``j._x``.

Dunder names (``__version__``) are not private. Attributes of classes (``User._meta``) are not
names of a module and are not reported.

Configuration (pyproject.toml)::

    [tool.importlinter]
    contract_types = ["private_names: scripts.importlinter_contracts.PrivateNamesContract"]

    [[tool.importlinter.contracts]]
    name = "..."
    type = "private_names"
    source_modules = ["civitas.events", "(civitas.support)"]   # (parentheses) = optional
    protected_modules = ["civitas.core"]
    allowed = ["civitas.events.x -> civitas.core.y._z"]         # temporary exceptions

An entry of ``allowed`` that no longer matches anything is reported as a warning, so the list
only shrinks.
"""

from __future__ import annotations

import ast
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@dataclass(frozen=True, order=True)
class Violation:
    importer: str
    line: int
    imported: str  # dotted name of the private thing, e.g. civitas.core.journal._entries
    path: str

    @property
    def key(self) -> str:
        return f"{self.importer} -> {self.imported}"


class PrivateNamesContract(Contract):
    """Modules in ``source_modules`` use no private name or module of ``protected_modules``."""

    source_modules = fields.ListField(subfield=fields.StringField())
    protected_modules = fields.ListField(subfield=fields.StringField())
    allowed = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        protected = [name.strip() for name in self.protected_modules]  # type: ignore[attr-defined]
        for package in protected:
            if package not in graph.modules:
                raise ValueError(f"Protected module {package} is not in the graph.")
        importers: list[str] = []
        for raw in self.source_modules:  # type: ignore[attr-defined]
            raw = raw.strip()
            optional = raw.startswith("(") and raw.endswith(")")
            name = raw[1:-1].strip() if optional else raw
            if name not in graph.modules:
                if optional:
                    continue
                raise ValueError(
                    f"Module {name} is not in the graph (write it as ({name}) if optional)."
                )
            importers.append(name)
            importers.extend(graph.find_descendants(name))

        allowed = {entry.strip() for entry in (self.allowed or [])}  # type: ignore[attr-defined]
        found: list[Violation] = []
        for importer in sorted(set(importers)):
            output.verbose_print(verbose, f"Reading {importer}...")
            found.extend(_scan_module(importer, graph, protected))

        violations = sorted(v for v in found if v.key not in allowed)
        used = {v.key for v in found}
        warnings = [
            f"Allowed private import {entry!r} no longer occurs: remove it from `allowed`."
            for entry in sorted(allowed - used)
        ]
        return ContractCheck(
            kept=not violations,
            warnings=warnings,
            metadata={"violations": violations},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(
                f"- {violation.importer} uses the private {violation.imported} "
                f"({violation.path}:{violation.line})",
                bold=False,
            )
        output.new_line()
        output.print("Use core's public API (CONTRIBUTING.md) or make the name public in core.")
        output.new_line()


# Reading sources ------------------------------------------------------------------------


def _module_file(module: str) -> Path | None:
    """The source file of ``module``, found without importing anything below the root."""
    root, _, rest = module.partition(".")
    spec = importlib.util.find_spec(root)
    if spec is None or not spec.submodule_search_locations:
        return None
    parts = rest.split(".") if rest else []
    for location in spec.submodule_search_locations:
        base = Path(location, *parts)
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                return candidate
        if not parts:
            return None
    return None


def _resolve_from(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = importer if is_package else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _scan_module(importer: str, graph: ImportGraph, protected: list[str]) -> list[Violation]:
    path = _module_file(importer)
    if path is None:
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[Violation] = []
    shown = os.path.relpath(path)

    def protected_package(dotted: str) -> bool:
        return any(_within(dotted, package) for package in protected)

    def report(node: ast.AST, dotted: str) -> None:
        found.append(Violation(importer, node.lineno, dotted, shown))

    def private_part(dotted: str) -> bool:
        return any(_is_private(part) for part in dotted.split("."))

    # Names bound to a module: alias -> dotted module name.
    bindings: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if protected_package(alias.name) and private_part(alias.name):
                    report(node, alias.name)
                if alias.asname:
                    bindings[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    bindings[head] = head
        elif isinstance(node, ast.ImportFrom):
            source = _resolve_from(importer, is_package, node)
            if protected_package(source) and private_part(source):
                report(node, source)
                continue
            for alias in node.names:
                dotted = f"{source}.{alias.name}"
                if alias.name == "*" or not protected_package(dotted):
                    continue
                if _is_private(alias.name):
                    report(node, dotted)
                elif dotted in graph.modules:
                    bindings[alias.asname or alias.name] = dotted

    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not _is_private(node.attr):
            continue
        chain: list[str] = []
        value: ast.expr = node.value
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if not isinstance(value, ast.Name) or value.id not in bindings:
            continue
        owner = ".".join([bindings[value.id], *reversed(chain)])
        if owner in graph.modules and protected_package(owner):
            report(node, f"{owner}.{node.attr}")
    return found
