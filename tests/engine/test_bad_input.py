"""Bad input is reported as a finding and never stops the scan of the other files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import json_findings, run_conclint

FLAGGED = 'import subprocess\nsubprocess.run(["ls"])\n'


def scan_codes(folder: Path) -> dict[str, list[tuple[str, int, str]]]:
    """path -> [(code, line, message)] of a JSON scan of ``folder``."""
    run = run_conclint("scan", str(folder), "--format", "json", "--no-cache")
    assert run.exit_code in (0, 1), run.stderr
    by_path: dict[str, list[tuple[str, int, str]]] = {}
    for finding in json_findings(run):
        by_path.setdefault(Path(finding["path"]).name, []).append(
            (finding["code"], finding["start_line"], finding["message"])
        )
    return by_path


@pytest.fixture
def folder(project: Path) -> Path:
    """A project with one good file that must always be reported."""
    (project / "good.py").write_text(FLAGGED, encoding="utf-8")
    return project


def assert_good_file_still_reported(found: dict) -> None:
    assert found["good.py"] == [(c, 2, m) for c, _, m in found["good.py"]]
    assert [code for code, _, _ in found["good.py"]] == ["CL201"]


def test_syntax_error_gives_the_parsers_message_and_position(folder: Path) -> None:
    (folder / "broken.py").write_text("x = 1\ndef f(:\n    pass\n", encoding="utf-8")
    found = scan_codes(folder)
    [(code, line, message)] = found["broken.py"]
    assert (code, line) == ("CL001", 2)
    assert "invalid syntax" in message
    assert_good_file_still_reported(found)


def test_syntax_error_in_a_file_that_mentions_a_trigger(folder: Path) -> None:
    (folder / "broken.py").write_text("import subprocess\nsubprocess.run([)\n", encoding="utf-8")
    [(code, line, _message)] = scan_codes(folder)["broken.py"]
    assert (code, line) == ("CL001", 2)


def test_undecodable_bytes(folder: Path) -> None:
    (folder / "latin.py").write_bytes(b'name = "caf\xe9"\n' + FLAGGED.encode())
    [(code, _, message)] = scan_codes(folder)["latin.py"]
    assert code == "CL002"
    assert "decode" in message


def test_wrong_coding_cookie(folder: Path) -> None:
    (folder / "cookie.py").write_bytes(b"# -*- coding: klingon -*-\n" + FLAGGED.encode())
    [(code, _, message)] = scan_codes(folder)["cookie.py"]
    assert code == "CL002"
    assert "klingon" in message


def test_declared_latin1_file_is_analysed(folder: Path) -> None:
    data = b'# -*- coding: latin-1 -*-\nname = "caf\xe9"\n' + FLAGGED.encode()
    (folder / "latin.py").write_bytes(data)
    assert [(c, line) for c, line, _ in scan_codes(folder)["latin.py"]] == [("CL201", 4)]


def test_file_that_cannot_be_read_broken_link(folder: Path) -> None:
    (folder / "gone.py").symlink_to(folder / "missing-target.py")
    [(code, _, message)] = scan_codes(folder)["gone.py"]
    assert code == "CL002"
    assert "No such file" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_without_read_permission(folder: Path) -> None:
    locked = folder / "locked.py"
    locked.write_text(FLAGGED, encoding="utf-8")
    locked.chmod(0)
    try:
        [(code, _, message)] = scan_codes(folder)["locked.py"]
    finally:
        locked.chmod(0o644)
    assert code == "CL002"
    assert "Permission denied" in message


def test_read_error_is_reported_and_the_scan_goes_on(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = folder / "locked.py"
    locked.write_text(FLAGGED, encoding="utf-8")
    real_open = os.open

    def guarded_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    found = scan_codes(folder)
    [(code, _, message)] = found["locked.py"]
    assert (code, message) == ("CL002", "cannot read: Permission denied")
    assert_good_file_still_reported(found)


def test_symlink_loop_is_visited_once(folder: Path) -> None:
    inner = folder / "pkg"
    inner.mkdir()
    (inner / "mod.py").write_text(FLAGGED, encoding="utf-8")
    (inner / "back").symlink_to(folder, target_is_directory=True)
    run = run_conclint("scan", str(folder), "--format", "json", "--no-cache")
    paths = sorted(Path(f["path"]).name for f in json_findings(run))
    assert paths == ["good.py", "mod.py"]


def test_five_megabyte_file_is_checked_with_exact_lines(folder: Path) -> None:
    filler = [f"value_{i} = {{'key': {i}, 'name': 'generated row {i:08d}'}}" for i in range(90_000)]
    text = "\n".join([*filler, *FLAGGED.splitlines(), *filler[:5]]) + "\n"
    assert len(text) > 5_000_000
    (folder / "big.py").write_text(text, encoding="utf-8")
    assert [(c, line) for c, line, _ in scan_codes(folder)["big.py"]] == [("CL201", 90_002)]


def test_large_file_keeps_findings_inside_functions_and_suppressions(folder: Path) -> None:
    filler = "\n".join(f"row_{i} = {i}" for i in range(60_000))
    body = (
        "import subprocess as sp\n"
        f"{filler}\n"
        "def deploy():\n"
        "    sp.check_call(['git', 'push'])\n"
        f"{filler}\n"
        "sp.run(['ls'])  # noqa: CL201\n"
    )
    (folder / "big.py").write_text(body, encoding="utf-8")
    assert [(c, line) for c, line, _ in scan_codes(folder)["big.py"]] == [("CL201", 60_003)]


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
        "import subprocess\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
        "import subprocess\nx = " + " + ".join(["1"] * 20_000) + "\n",
        "import subprocess\nx = " + "[" * 150 + "1" + "]" * 150 + "\n",
    ],
    ids=["parens", "parens-with-trigger", "long-chain", "nested-lists"],
)
def test_deep_nesting_is_reported_or_analysed_without_crashing(folder: Path, source: str) -> None:
    (folder / "deep.py").write_text(source, encoding="utf-8")
    found = scan_codes(folder)
    assert {code for code, _, _ in found.get("deep.py", [])} <= {"CL001", "CL002"}
    assert_good_file_still_reported(found)


def test_empty_file(folder: Path) -> None:
    (folder / "empty.py").write_bytes(b"")
    run = run_conclint("scan", str(folder), "--format", "json", "--no-cache")
    assert "empty.py" not in {Path(f["path"]).name for f in json_findings(run)}
    assert run.exit_code == 1  # good.py


def test_directory_named_like_a_module(folder: Path) -> None:
    package = folder / "x.py"
    package.mkdir()
    (package / "inside.py").write_text(FLAGGED, encoding="utf-8")
    found = scan_codes(folder)
    assert [code for code, _, _ in found["inside.py"]] == ["CL201"]
    assert_good_file_still_reported(found)


def test_null_bytes(folder: Path) -> None:
    (folder / "nul.py").write_bytes(b"x = 1\x00\n")
    [(code, _, _)] = scan_codes(folder)["nul.py"]
    assert code == "CL001"


def test_a_crashing_rule_becomes_cl003_and_exit_2(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrency_lint.rules.cl202_network_call_without_timeout import (
        NetworkCallWithoutTimeout,
    )

    def visit_Call(self: object, node: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(NetworkCallWithoutTimeout, "visit_Call", visit_Call)
    (folder / "net.py").write_text("import requests\nrequests.get(url)\n", encoding="utf-8")
    run = run_conclint("scan", str(folder), "--format", "json", "--no-cache")
    findings = json_findings(run)
    assert run.exit_code == 2
    crashes = [f for f in findings if f["code"] == "CL003"]
    assert crashes and all("CL202" in f["message"] and "boom" in f["message"] for f in crashes)
    assert any(f["code"] == "CL201" for f in findings)  # the other rule still ran
