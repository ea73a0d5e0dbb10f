"""import-linter contract types for the backend's shape (configured in .importlinter).

- `domain_boundaries`: a domain imports another domain only through the modules that domain
  offers the others (its service and errors, and the few public contracts the config names),
  never its router, repository or anything else inside it.
- `acyclic_modules`: no import cycle between modules, however long; a broken contract names
  each cycle, and its direct imports.
"""

from collections.abc import Iterator

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


def _domain_of(module: str, root: str, domains: set[str]) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == root and parts[1] in domains:
        return parts[1]
    return None


class DomainBoundaries(Contract):
    root = fields.StringField()
    # Every domain package directly under the root.
    domains = fields.SetField(subfield=fields.StringField())
    # Modules of any domain that other domains may import (e.g. service, errors).
    public = fields.SetField(subfield=fields.StringField())
    # Further modules one domain offers the others, as `domain.module`.
    also_public = fields.SetField(subfield=fields.StringField(), required=False, default=set())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        root = str(self.root)
        domains = {str(d) for d in self.domains}  # type: ignore[attr-defined]
        public = {str(m) for m in self.public}  # type: ignore[attr-defined]
        also_public = {str(m) for m in self.also_public}  # type: ignore[attr-defined]
        illegal = []
        for importer in sorted(graph.modules):
            source = _domain_of(importer, root, domains)
            if source is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = _domain_of(imported, root, domains)
                if target is None or target == source:
                    continue
                module = imported.split(".")[2] if imported.count(".") >= 2 else ""
                if module in public or f"{target}.{module}" in also_public:
                    continue
                for details in graph.get_import_details(importer=importer, imported=imported):
                    illegal.append(
                        f"{importer}:{details['line_number']}: {details['line_contents']}"
                    )
        output.verbose_print(verbose, f"{len(illegal)} imports past a domain's public modules")
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error(
            "Imports of another domain's private modules (use its service or errors):", bold=True
        )
        for line in check.metadata["illegal"]:
            output.indent_cursor()
            output.print_error(line)


def strongly_connected(graph: ImportGraph, modules: set[str]) -> Iterator[list[str]]:
    """The import cycles among `modules`: Tarjan's strongly connected components of two or
    more modules (iterative, so a long chain cannot exhaust the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    imported = graph.find_modules_directly_imported_by(child) & modules
                    work.append((child, iter(sorted(imported))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    yield sorted(component)


class AcyclicModules(Contract):
    root = fields.StringField()

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        root = str(self.root)
        modules = {m for m in graph.modules if m == root or m.startswith(root + ".")}
        cycles = []
        for component in strongly_connected(graph, modules):
            members = set(component)
            imports = [
                f"{importer} -> {imported}"
                for importer in component
                for imported in sorted(graph.find_modules_directly_imported_by(importer) & members)
            ]
            cycles.append({"modules": component, "imports": imports})
        output.verbose_print(verbose, f"{len(modules)} modules, {len(cycles)} import cycles")
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"Import cycle among {', '.join(cycle['modules'])}:", bold=True)
            for line in cycle["imports"]:
                output.indent_cursor()
                output.print_error(line)
            output.new_line()
