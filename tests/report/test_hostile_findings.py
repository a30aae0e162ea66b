"""Every format renders any finding: odd spans, odd sources, odd names, any width."""

from __future__ import annotations

import random
import re

from concurrency_lint.model import Edit, Finding, Fix, Safety, ScanReport, Span
from concurrency_lint.report import FORMATS, HUMAN_FORMATS, render

SOURCES = ("", "a", "x = 1\n\ty\r\n\x1b z\r日本\u202e\n", "\n\n\n", "é" * 500)
NAMES = ("a.py", "\udce9\x1b[2J.py", "dir/\u202eyp.exe")
MESSAGES = ("m", "two\nlines", "\x00\udce9\x07")
# What may reach a terminal: printable text, line breaks, and (with colour) SGR sequences.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def test_any_finding_renders_as_valid_text_without_raw_controls() -> None:
    rng = random.Random(20261201)
    fix = Fix("d", Safety.SAFE, (Edit(Span(1, 1, 1, 1), "x"),))
    for _ in range(400):
        name = rng.choice(NAMES)
        span = Span(
            *(rng.randint(-2, 8), rng.randint(-2, 600), rng.randint(-2, 8), rng.randint(-2, 600))
        )
        finding = Finding("CL201", "n", rng.choice(MESSAGES), name, span, rng.choice((None, fix)))
        report = ScanReport((finding,), 1, sources={name: rng.choice(SOURCES)}, exit_code=1)
        for fmt in FORMATS:
            color = rng.random() < 0.5
            out = render(fmt, report, color=color, width=rng.choice((None, 1, 20, 80, 300)))
            out.encode("utf-8")
            visible = SGR.sub("", out) if color and fmt in HUMAN_FORMATS else out
            assert not RAW_CONTROL.search(visible), (fmt, out)
