"""Which modules the model parses: those that import a library the rules know."""

from __future__ import annotations

import pytest

from concurrency_lint.project.relevance import imported_modules, imports_known_library


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("import requests\n", True),
        ("import os, threading\n", True),
        ("from urllib import request\n", True),
        ("from urllib import parse\n", False),  # urllib.parse means nothing to a rule
        ("import urllib.parse\n", False),
        ("import urllib.request\n", True),
        ("from http import client as c\n", True),
        ("import http.cookies\n", False),
        ("from .threading import local\n", False),  # a project module
        ("    import subprocess  # inside a function\n", True),
        ("text = 'import nothing'\n", False),
    ],
)
def test_a_module_matters_when_it_imports_a_known_library(text: str, known: bool) -> None:
    assert imports_known_library(text) is known


def test_import_lines_are_read_without_parsing() -> None:
    text = "from ..base import (\n    A,\n)\nfrom . import net, procs as p\nimport a.b, c\n"
    assert imported_modules(text) == (
        (2, "base", ()),
        (1, "", ("net", "procs")),
        (0, "a.b", ()),
        (0, "c", ()),
    )
