"""Parameter types declared by Sphinx docstring fields."""

from __future__ import annotations

import textwrap

import libcst as cst

from concurrency_lint.analysis.docstring_types import declared_parameter_types


def _function(source: str) -> cst.FunctionDef:
    statement = cst.parse_module(textwrap.dedent(source)).body[0]
    assert isinstance(statement, cst.FunctionDef)
    return statement


def test_type_fields_typed_params_and_lone_class_references_declare_types() -> None:
    function = _function(
        '''
        def f(a, b, c, d, *, e):
            """Do it.

            :type a: requests.Session
            :param http.client.HTTPConnection b: the connection.
            :param c: :class:`ArchiveSession <ArchiveSession>`
            :param d: :py:class:`~threading.Thread`.
            :param e: :class:`Api`
            """
        '''
    )
    assert declared_parameter_types(function) == {
        "a": "requests.Session",
        "b": "http.client.HTTPConnection",
        "c": "ArchiveSession",
        "d": "threading.Thread",
        "e": "Api",
    }


def test_prose_conflicts_and_unknown_names_declare_nothing() -> None:
    function = _function(
        '''
        def f(a, b, c):
            """
            :param a: a session such as :class:`Api`, or anything with ``get``.
            :type b: requests.Session
            :param threading.Thread b: declared twice, two types.
            :type z: requests.Session
            """
        '''
    )
    assert declared_parameter_types(function) == {}
    assert declared_parameter_types(_function("def g(a):\n    pass\n")) == {}
