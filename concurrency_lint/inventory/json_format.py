"""The inventory as JSON; the schema is documented in docs/inventory.md and kept stable."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from concurrency_lint.inventory.model import Inventory, Parameter, Section, Use
from concurrency_lint.inventory.statistics import Tally, observations, parameter_values

SCHEMA = "conclint-inventory"
SCHEMA_VERSION = 1


def render(inventory: Inventory) -> str:
    return json.dumps(document(inventory), indent=2, ensure_ascii=False) + "\n"


def document(inventory: Inventory) -> dict[str, Any]:
    """The JSON document as plain data."""
    found = observations(inventory)
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "files_scanned": inventory.files_scanned,
        "use_count": len(inventory.uses),
        "sections": [
            {"id": section.value, "uses": [_use(use) for use in inventory.section(section)]}
            for section in Section
        ],
        "parameters": [
            {
                "name": row.name,
                "count": row.count,
                "values": [
                    {"written": value.written, "kind": value.kind.value, "count": value.count}
                    for value in row.values
                ],
            }
            for row in parameter_values(inventory)
        ],
        "observations": {name: _tally(getattr(found, name)) for name in found.__dataclass_fields__},
        "problems": [{"path": file.path, "message": file.problem} for file in inventory.problems],
    }


def _use(use: Use) -> dict[str, Any]:
    return {
        "path": use.path,
        "line": use.line,
        "column": use.column,
        "mechanism": use.mechanism,
        "detail": use.detail,
        "parameters": [_parameter(parameter) for parameter in use.parameters],
        "handling": [{"kind": item.kind, "detail": item.detail} for item in use.handling],
        "traits": list(use.traits),
    }


def _parameter(parameter: Parameter) -> dict[str, Any]:
    return {
        "name": parameter.name,
        "written": parameter.written,
        "kind": parameter.kind.value,
        "value": parameter.value,
        "after_construction": parameter.after_construction,
    }


def _tally(tally: Tally) -> dict[str, Any]:
    return asdict(tally) | {"examples": list(tally.examples)}
