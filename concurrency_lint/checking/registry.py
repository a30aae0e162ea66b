"""Finds the rules: codes from file names (cheap), classes by import (only when needed)."""

from __future__ import annotations

import importlib
import os
import re
from functools import cache
from importlib.util import find_spec
from typing import TYPE_CHECKING

from concurrency_lint.config import Config, ConfigError
from concurrency_lint.model import ENGINE_CODES

if TYPE_CHECKING:
    from concurrency_lint.checking.rule import Rule

RULES_PACKAGE = "concurrency_lint.rules"
_MODULE_NAME = re.compile(r"^(cl\d{3})_\w+\.py$")


@cache
def rule_modules() -> dict[str, str]:
    """Rule code -> module name, read from the package's file names without importing them."""
    found = {}
    spec = find_spec(RULES_PACKAGE)
    folders = spec.submodule_search_locations or [] if spec is not None else []
    for folder in folders:
        for name in os.listdir(folder):
            match = _MODULE_NAME.match(name)
            if match:
                found[match.group(1).upper()] = f"{RULES_PACKAGE}.{name[:-3]}"
    return dict(sorted(found.items()))


def known_codes() -> frozenset[str]:
    """Every code a user may select or ignore: the rules' and the engine's own."""
    return frozenset(rule_modules()) | frozenset(ENGINE_CODES)


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, imported, in code order."""
    return tuple(load_rule(code) for code in rule_modules())


@cache
def load_rule(code: str) -> type[Rule]:
    """The rule class of one known code, importing its module alone."""
    from concurrency_lint.checking.rule import Rule

    module_name = rule_modules()[code]
    module = importlib.import_module(module_name)
    matches = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and code == obj.CODE
    ]
    if len(matches) != 1:
        raise RuntimeError(f"{module_name} must define exactly one rule class with CODE = {code!r}")
    return matches[0]


def rule_by_code(code: str) -> type[Rule] | None:
    """The rule class for one code, or None."""
    module_name = rule_modules().get(code.upper())
    if module_name is None:
        return None
    return next(rule for rule in all_rules() if code.upper() == rule.CODE)


def validate_rule_options(config: Config) -> None:
    """Raise ConfigError naming what is wrong in the ``[rules.CLxxx]`` tables, if anything."""
    from concurrency_lint.checking.rule import option_errors

    for code, options in config.rule_options:
        rule = rule_by_code(code)
        if rule is None:  # an engine code: it has no options
            raise ConfigError(f"{config.source}: `rules.{code}`: {code} has no options")
        errors = option_errors(rule, dict(options))
        if errors:
            raise ConfigError(f"{config.source}: `rules.{code}`: " + "; ".join(errors))
