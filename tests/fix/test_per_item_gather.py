"""CL103 on loop bodies of several statements: one ``async def`` per item, gathered, the
additions replayed in input order; the refusals that protect behaviour keep their reasons."""

from __future__ import annotations

import textwrap

import pytest

from concurrency_lint.checking.file_checker import FileChecker
from concurrency_lint.config import Config
from concurrency_lint.fixes.apply import fix_text

CHECKER = FileChecker(Config(select=("CL103",)))


def _findings(text: str):
    return CHECKER.check_text("example.py", text).findings


def _program(body: str, before: str = "", after: str = "    return None\n") -> str:
    """An ``async def`` whose loop over ``keys`` has ``body``."""
    loop = textwrap.indent(textwrap.dedent(body).strip("\n"), "        ") + "\n"
    head = textwrap.indent(textwrap.dedent(before).strip("\n"), "    ") + "\n" if before else ""
    return (
        "import asyncio\n\n\nasync def collect(cache, keys, version=None):\n"
        f"{head}    for key in keys:\n{loop}{after}"
    )


def _only_finding(text: str):
    findings = _findings(text)
    assert len(findings) == 1, findings
    return findings[0]


def test_dict_building_behind_an_if_is_rewritten_and_replayed_in_order() -> None:
    text = _program(
        """
        value = await cache.aget(key, version=version)
        if value is not None:
            found[key] = value
        """,
        before="found = {}",
        after="    return found\n",
    )
    finding = _only_finding(text)
    assert finding.fix is not None
    outcome = fix_text(text, _findings, unsafe=True)
    assert "    async def _one_key(key):\n        _found = {}\n" in outcome.text
    assert "            _found[key] = value\n        return _found\n" in outcome.text
    assert "        found.update(_found)\n" in outcome.text
    assert "return_exceptions=True" in outcome.text
    compile(outcome.text, "example.py", "exec")
    assert fix_text(outcome.text, _findings, unsafe=True).changed is False


def test_an_addition_inside_try_and_continue_become_a_return_of_the_items_own_list() -> None:
    text = _program(
        """
        try:
            page = await cache.aget(key)
        except KeyError:
            continue
        pages.append(page)
        sizes.add(len(page))
        """,
        before="pages = []\nsizes = set()",
        after="    return pages, sizes\n",
    )
    outcome = fix_text(text, _findings, unsafe=True)
    assert "            return _pages, _sizes\n" in outcome.text
    assert "        _pages, _sizes = _done\n" in outcome.text
    assert "        pages.extend(_pages)\n        sizes.update(_sizes)\n" in outcome.text
    compile(outcome.text, "example.py", "exec")


@pytest.mark.parametrize(
    ("body", "before", "after", "reason"),
    [
        (
            "page = await cache.aget(key)\ncache.seen[key] = page",
            "",
            "    return None\n",
            "`cache.seen[key]` is written in between awaits",
        ),
        (
            "page = await cache.aget(key)\nqueue.append(page)\nlog(key)",
            "queue = load()",
            "    return queue\n",
            "`queue.append(...)` changes state the items share",
        ),
        (
            "if key:\n    page = await cache.aget(key)\nprint_later(page)",
            "",
            "    return None\n",
            "`page` is carried from one item to the next",
        ),
        (
            "page = await cache.aget(key)\nlast = page",
            "",
            "    return last\n",
            "`last`, bound by the loop, is read outside it",
        ),
        (
            "page = await cache.aget(key)\ncallbacks.append(lambda: page)",
            "callbacks = []",
            "    return callbacks\n",
            "a lambda or generator made in the body reads the item's names",
        ),
        (
            "page = await cache.aget(key)\nsuper().note(page)",
            "",
            "    return None\n",
            "the body uses `super`",
        ),
        (
            "page = await cache.aget(key)\nif len(pages) < 3:\n    pages.append(page)",
            "pages = []",
            "    return pages\n",
            "`pages` is read by the loop, not only added to",
        ),
    ],
    ids=["item-store", "shared-receiver", "carried", "read-after", "closure", "super", "reads"],
)
def test_bodies_whose_behaviour_would_change_are_refused_with_the_reason(
    body: str, before: str, after: str, reason: str
) -> None:
    finding = _only_finding(_program(body, before=before, after=after))
    assert finding.fix is None
    assert f"(no automatic fix: {reason}" in finding.message


def test_a_loop_inside_a_try_whose_additions_a_handler_could_see_is_refused() -> None:
    text = textwrap.dedent(
        """
        async def collect(cache, keys):
            found = {}
            try:
                for key in keys:
                    value = await cache.aget(key)
                    if value:
                        found[key] = value
            except KeyError:
                pass
            return found
        """
    )
    finding = _only_finding(text)
    assert finding.fix is None
    assert "the loop runs inside a `try`" in finding.message


def test_a_collection_handed_in_by_the_caller_is_not_replayed() -> None:
    text = textwrap.dedent(
        """
        async def collect(cache, keys, pages):
            for key in keys:
                page = await cache.aget(key)
                pages.append(page)
                log(key)
        """
    )
    finding = _only_finding(text)
    assert finding.fix is None
    assert "`pages.append(...)` changes state the items share" in finding.message


def test_the_renaming_rebuilds_only_what_leads_to_a_change() -> None:
    """A statement with nothing to rename comes back as it was (the same node); one with
    a renamed name or a ``continue`` is rebuilt, as LibCST's full transform writes it."""
    import libcst as cst

    from concurrency_lint.fixes.per_item_gather import _Rename

    module = cst.parse_module(
        "for key in keys:\n"
        "    value = compute(key, [k for k in key])\n"
        "    if not value:\n"
        "        continue\n"
        "    out.append(value)\n"
    )
    loop = module.body[0]
    untouched, with_continue, with_receiver = loop.body.body
    receiver = with_receiver.body[0].value.func.value
    returned = cst.parse_statement("return _out\n").body[0]
    rename = _Rename({id(receiver): "_out"}, returned)
    renamed = [statement.visit(rename) for statement in loop.body.body]
    assert renamed[0] is untouched
    code = [module.code_for_node(statement) for statement in renamed]
    assert code[1] == "if not value:\n    return _out\n"
    assert code[2] == "_out.append(value)\n"
    assert renamed[1] is not with_continue
