"""Add the imports fixed code needs where isort (and ruff's ``I`` rules) would put them.

- An existing top-level ``from module import ...`` is extended (names kept in order
  when they were sorted); one inside ``if TYPE_CHECKING:`` or any other block is not.
- A new ``from module import name`` joins the module's import section: after the
  docstring and the ``from __future__`` imports, never above the comments that open the
  file (shebang, encoding line, licence), in the standard-library block when the module
  is part of the standard library, else in the block that imports from the same package
  (a first-party runtime module) or the first third-party block, at its
  sorted place (straight ``import`` statements first, then ``from`` imports, by module).
  A block that does not exist yet is started, with a blank line around it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

import libcst as cst

_STDLIB = frozenset(sys.stdlib_module_names)
_FUTURE, _STDLIB_SECTION, _THIRD_PARTY, _LOCAL = 0, 1, 2, 3


def with_imports(text: str, imports: Iterable[tuple[str, str]]) -> str:
    """``text`` with ``from module import name`` for each pair not yet imported."""
    wanted: dict[str, list[str]] = {}
    for module_name, name in sorted(set(imports)):
        wanted.setdefault(module_name, []).append(name)
    if not wanted:
        return text
    module = _comments_with_first_statement(cst.parse_module(text))
    for module_name, names in wanted.items():
        module = _with_import(module, module_name, names)
    return module.code


def _comments_with_first_statement(module: cst.Module) -> cst.Module:
    """The comment lines right above the first statement moved from the module's header
    to that statement, so that an import put before it goes above them; the comments that
    open the file (shebang, encoding line) and those a blank line separates stay."""
    header = list(module.header)
    if not module.body or module.body[0].leading_lines:
        return module
    keep = len(header)
    while keep > 0 and header[keep - 1].comment is not None:
        keep -= 1
    if keep == 0:  # no blank line: the comments open the file
        return module
    first = module.body[0].with_changes(leading_lines=header[keep:])
    return module.with_changes(header=header[:keep], body=[first, *module.body[1:]])


def section_of(module_name: str, level: int = 0) -> int:
    """isort's section of an imported module: future, standard library, third party, local."""
    if level > 0:
        return _LOCAL
    top = module_name.split(".")[0]
    if top == "__future__":
        return _FUTURE
    return _STDLIB_SECTION if top in _STDLIB else _THIRD_PARTY


def _with_import(module: cst.Module, module_name: str, names: list[str]) -> cst.Module:
    body = list(module.body)
    for index, statement in enumerate(body):
        existing = _from_import(statement)
        if existing is not None and _dotted(existing.module) == module_name:
            return module.with_changes(body=_extended(body, index, existing, names))
    new = cst.SimpleStatementLine(
        body=[
            cst.ImportFrom(
                module=cst.parse_expression(module_name),  # type: ignore[arg-type]
                names=[cst.ImportAlias(name=cst.Name(name)) for name in names],
            )
        ]
    )
    return module.with_changes(body=_inserted(body, new, module_name))


def _from_import(statement: cst.CSTNode) -> cst.ImportFrom | None:
    """The statement's ``from module import a, b`` (absolute, not ``*``), if it is one."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    node = statement.body[0]
    if (
        isinstance(node, cst.ImportFrom)
        and not node.relative
        and node.module is not None
        and not isinstance(node.names, cst.ImportStar)
    ):
        return node
    return None


def _dotted(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _extended(
    body: list[cst.BaseStatement], index: int, existing: cst.ImportFrom, names: list[str]
) -> list[cst.BaseStatement]:
    aliases = list(existing.names)  # type: ignore[arg-type]
    present = {alias.evaluated_name for alias in aliases if alias.asname is None} | {
        alias.evaluated_alias for alias in aliases if alias.asname is not None
    }
    missing = [name for name in names if name not in present]
    if not missing:
        return body
    between = aliases[0].comma if len(aliases) > 1 else None
    if not isinstance(between, cst.Comma):
        if existing.lpar is not None and len(aliases) == 1:
            between = cst.Comma(whitespace_after=existing.lpar.whitespace_after)
        else:
            between = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    last_comma = aliases[-1].comma
    keys = [alias.evaluated_name for alias in aliases]
    combined = aliases + [cst.ImportAlias(name=cst.Name(name)) for name in missing]
    if keys == sorted(keys, key=str.lower):
        combined.sort(key=lambda alias: alias.evaluated_name.lower())
    rebuilt = [alias.with_changes(comma=between) for alias in combined[:-1]]
    rebuilt.append(combined[-1].with_changes(comma=last_comma))
    new_statement = body[index].with_changes(  # type: ignore[call-arg]
        body=[existing.with_changes(names=rebuilt)]
    )
    return [*body[:index], new_statement, *body[index + 1 :]]


def _inserted(
    body: list[cst.BaseStatement], new: cst.SimpleStatementLine, module_name: str
) -> list[cst.BaseStatement]:
    start = _section_start(body)
    section = _import_section(body, start)
    wanted = section_of(module_name)
    if not section:
        if start > 0:
            new = new.with_changes(leading_lines=[cst.EmptyLine()])
        rest = body[start:]
        if rest and not _starts_with_blank(rest[0]):
            rest[0] = rest[0].with_changes(leading_lines=[cst.EmptyLine(), *rest[0].leading_lines])
        return [*body[:start], new, *rest]
    same = [index for index, kind, _ in section if kind == wanted]
    if same and wanted == _THIRD_PARTY:
        # The block that imports the same package already (a first-party runtime module),
        # else the first third-party block (first-party blocks come after it).
        package = module_name.split(".")[0]
        blocks = [block for index, _, block in section if _package(body[index]) == package]
        chosen = blocks[0] if blocks else next(b for _, kind, b in section if kind == wanted)
        same = [index for index, kind, block in section if kind == wanted and block == chosen]
    if same:
        key = _sort_key(new)
        for index in same:
            if _sort_key(body[index]) > key:
                return _before(body, index, new, new_block=False)
        return _after(body, same[-1], new)
    later = [index for index, kind, _ in section if kind > wanted]
    if later:
        return _before(body, later[0], new, new_block=True)
    return _after(body, section[-1][0], new, new_block=True)


def _section_start(body: Sequence[cst.BaseStatement]) -> int:
    """The index after the docstring and the ``from __future__`` imports."""
    index = 0
    if body and _is_docstring(body[0]):
        index = 1
    while index < len(body):
        node = _from_import(body[index])
        if node is None or _dotted(node.module) != "__future__":
            break
        index += 1
    return index


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _import_section(body: Sequence[cst.BaseStatement], start: int) -> list[tuple[int, int, int]]:
    """(index, section, block) of the import statements that follow ``start``; a blank
    line starts a new block."""
    found: list[tuple[int, int, int]] = []
    block = 0
    for index in range(start, len(body)):
        statement = body[index]
        if not isinstance(statement, cst.SimpleStatementLine) or not all(
            isinstance(node, (cst.Import, cst.ImportFrom)) for node in statement.body
        ):
            break
        if found and _starts_with_blank(statement):
            block += 1
        found.append((index, _statement_section(statement), block))
    return found


def _statement_section(statement: cst.SimpleStatementLine) -> int:
    node = statement.body[0]
    if isinstance(node, cst.ImportFrom):
        return section_of(_dotted(node.module), len(node.relative))
    assert isinstance(node, cst.Import)
    return section_of(_dotted(node.names[0].name))


def _package(statement: cst.BaseStatement) -> str:
    """The top-level package an import statement imports from."""
    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    if isinstance(node, cst.ImportFrom):
        return "" if node.relative else _dotted(node.module).split(".")[0]
    assert isinstance(node, cst.Import)
    return _dotted(node.names[0].name).split(".")[0]


def _sort_key(statement: cst.BaseStatement) -> tuple[int, str]:
    """isort's order inside a section: ``import x`` first, then ``from x import``, by module."""
    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    if isinstance(node, cst.ImportFrom):
        return (1, _dotted(node.module).lower())
    assert isinstance(node, cst.Import)
    return (0, _dotted(node.names[0].name).lower())


def _starts_with_blank(statement: cst.BaseStatement) -> bool:
    lines = statement.leading_lines
    return bool(lines) and lines[0].comment is None


def _split_leading(statement: cst.BaseStatement) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """The statement's leading blank lines, and the rest (its comments stay with it)."""
    lines = list(statement.leading_lines)
    count = 0
    while count < len(lines) and lines[count].comment is None:
        count += 1
    return lines[:count], lines[count:]


def _before(
    body: list[cst.BaseStatement], index: int, new: cst.SimpleStatementLine, new_block: bool
) -> list[cst.BaseStatement]:
    blanks, comments = _split_leading(body[index])
    following = body[index].with_changes(
        leading_lines=([cst.EmptyLine()] if new_block else []) + comments
    )
    return [*body[:index], new.with_changes(leading_lines=blanks), following, *body[index + 1 :]]


def _after(
    body: list[cst.BaseStatement],
    index: int,
    new: cst.SimpleStatementLine,
    new_block: bool = False,
) -> list[cst.BaseStatement]:
    if new_block:
        new = new.with_changes(leading_lines=[cst.EmptyLine()])
    return [*body[: index + 1], new, *body[index + 1 :]]
