"""The text of each report cell for a use, in one language (shared by markdown and table)."""

from __future__ import annotations

from concurrency_lint.inventory.labels import PARAMETERS, TEXT
from concurrency_lint.inventory.model import Parameter, Section, Use, ValueKind
from concurrency_lint.inventory.statistics import Observations, ParameterValues, Tally

# Column keys of each section's table, after File and Mechanism.
SECTION_COLUMNS: dict[Section, tuple[str, ...]] = {
    Section.MULTIPROCESSING: ("configuration", "handling"),
    Section.THREADING: ("configuration", "handling"),
    Section.FUTURES: ("configuration", "handling"),
    Section.ASYNCIO: ("configuration", "handling"),
    Section.SYNCHRONIZATION: ("configuration", "usage"),
    Section.QUEUES: ("configuration", "characteristics"),
}
_USAGE_TRAITS = (
    "protects_shared_state",
    "with_block",
    "acquire_release",
    "signalling",
    "not_used_here",
)
_QUEUE_TRAITS = ("fifo", "lifo", "priority", "simple", "bounded", "unbounded")

SHOWN_VALUES = 8  # the most frequent values of a parameter; JSON lists them all
_PLAIN = (ValueKind.LITERAL, ValueKind.CONSTANT)  # shown without a note


class Cells:
    """Formats uses and figures in one language."""

    def __init__(self, lang: str) -> None:
        self.text = TEXT[lang]
        self.parameters = PARAMETERS[lang]

    def word(self, key: str, **values: object) -> str:
        return self.text[key].format(**values)

    def row(self, use: Use) -> list[str]:
        cells = [f"{use.path}:{use.line}", self.mechanism(use)]
        for column in SECTION_COLUMNS[use.section]:
            cells.append(getattr(self, column)(use))
        return cells

    def headers(self, section: Section) -> list[str]:
        columns = ("file", "mechanism", *SECTION_COLUMNS[section])
        return [self.word(f"column.{column}") for column in columns]

    # ---- cells ---------------------------------------------------------------------------

    def mechanism(self, use: Use) -> str:
        if "imported_only" in use.traits:
            return self.word("imported_only", name=use.mechanism)
        if "subclass" in use.traits:
            return self.word("subclass", name=use.mechanism, detail=use.detail)
        return use.mechanism

    def configuration(self, use: Use) -> str:
        if not use.parameters:
            return self.word("not_specified")
        return "; ".join(self.parameter(parameter) for parameter in use.parameters)

    def parameter(self, parameter: Parameter) -> str:
        notes = []
        if parameter.kind not in _PLAIN:
            notes.append(self.word(f"kind.{parameter.kind.value}"))
        if parameter.after_construction:
            notes.append(self.word("after_construction"))
        suffix = f" ({', '.join(notes)})" if notes else ""
        return f"{parameter.name}={parameter.written}{suffix}"

    def handling(self, use: Use) -> str:
        parts = [self.word(f"handling.{item.kind}", detail=item.detail) for item in use.handling]
        if not parts:
            parts.append(self.word("none_visible"))
        if "never_shut_down" in use.traits:
            parts.append(self.word("trait.never_shut_down"))
        return "; ".join(parts)

    def usage(self, use: Use) -> str:
        return "; ".join(self.word(f"trait.{t}") for t in _USAGE_TRAITS if t in use.traits)

    def characteristics(self, use: Use) -> str:
        parts = [self.word(f"trait.{t}") for t in _QUEUE_TRAITS if t in use.traits]
        timeout = use.parameter("timeout")
        if "lock_timeout" in use.traits and timeout is not None:
            parts.append(self.word("trait.lock_timeout", timeout=self.duration(timeout)))
        elif "blocking_wait" in use.traits:
            if timeout is not None:
                parts.append(self.word("trait.timed_wait", timeout=self.duration(timeout)))
            block = use.parameter("block") or use.parameter("blocking")
            if block is not None and block.kind is ValueKind.LITERAL and block.value is False:
                parts.append(self.word("trait.non_blocking"))
        return "; ".join(parts)

    def duration(self, parameter: Parameter) -> str:
        value = parameter.value
        if parameter.kind is ValueKind.LITERAL and isinstance(value, (int, float)):
            return self.word("second" if value == 1 else "seconds", value=parameter.written)
        return parameter.written

    # ---- figures -------------------------------------------------------------------------

    def parameter_row(self, row: ParameterValues) -> list[str]:
        shown = [
            f"{value.written}"
            + (f" ({self.word(f'kind.{value.kind.value}')})" if value.kind not in _PLAIN else "")
            + f" \u00d7{value.count}"  # multiplication sign
            for value in row.values[:SHOWN_VALUES]
        ]
        hidden = len(row.values) - SHOWN_VALUES
        if hidden > 0:
            shown.append(self.word("more_values", count=hidden))
        return [row.name, self.parameters.get(row.name, ""), ", ".join(shown)]

    def observations(self, found: Observations) -> list[str]:
        loops = found.as_completed_guarded
        return [
            self._tally("observation.try_except", found.in_try_except),
            self._tally("observation.try_finally", found.in_try_finally),
            self._tally("observation.callable_try_except", found.callable_try_except),
            self.word(
                "observation.as_completed",
                guarded=loops.count,
                unguarded=found.as_completed_unguarded.count,
                unread=found.as_completed_unread.count,
                examples=self._examples(found.as_completed_unguarded),
            ),
            self._tally("observation.gather", found.gather_return_exceptions),
            self._tally("observation.locks", found.locks_protecting_results),
            self.word(
                "observation.queues",
                bounded=found.bounded_queues.count,
                queues=found.bounded_queues.total,
                timed=found.timed_waits.count,
                waits=found.timed_waits.total,
            ),
            self._tally("observation.none", found.no_visible_handling),
        ]

    def _tally(self, key: str, tally: Tally) -> str:
        return self.word(key, count=tally.count, total=tally.total, examples=self._examples(tally))

    def _examples(self, tally: Tally) -> str:
        if not tally.examples:
            return ""
        return self.word("examples", examples=", ".join(tally.examples))
