"""The result cache's own costs: the code fingerprint lists its Python files as
``Path.rglob`` does; tuples of strings decode as any other tuple."""

from __future__ import annotations

from pathlib import Path

from concurrency_lint.checking.cache import _python_files, code_fingerprint


def test_the_files_are_the_ones_rglob_lists_in_its_order(tmp_path: Path) -> None:
    for name in ("a.py", "a.b/c.py", "a/b.py", "b/x.pyc", ".hidden.py", "b/deep/er/z.py", "ab.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / "pkg.py").mkdir()  # a folder named like a module is listed too
    expected = [path.relative_to(tmp_path).parts for path in sorted(tmp_path.rglob("*.py"))]
    assert _python_files(str(tmp_path)) == expected
    assert ("a.b", "c.py") in expected and ("b", "x.pyc") not in expected


def test_the_fingerprint_is_stable() -> None:
    code_fingerprint.cache_clear()
    first = code_fingerprint()
    code_fingerprint.cache_clear()
    assert code_fingerprint() == first and len(first) == 32


def test_string_tuples_decode_as_any_other_tuple() -> None:
    import pytest

    from concurrency_lint.checking.cache_codec import (
        MalformedEntry,
        _exactly,
        _sequence_decoder,
        decoder_for,
    )

    generic = _sequence_decoder(_exactly(str))
    for value in ([], ["a", "b\tc"], ["a", 1], [None], "ab", {"a": 1}, [["a"]], [True], [1.5]):
        outcomes = []
        for decode in (decoder_for(tuple[str, ...]), generic):
            try:
                outcomes.append(decode(value))
            except MalformedEntry as exc:
                outcomes.append(str(exc))
        assert outcomes[0] == outcomes[1]
    with pytest.raises(MalformedEntry, match="expected str, got int"):
        decoder_for(tuple[str, ...])(["a", 1])
