"""Records (named tuples, frozen dataclasses) to JSON values and back, directed by their
type hints.

Decoding builds only the types a hint names (records, enums, tuples, ``str``, ``int``,
``float``, ``bool``, ``None``) and rejects any value of the wrong shape with
:class:`MalformedEntry`: a cache entry is data, never code.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any

Decoder = Callable[[Any], Any]


class MalformedEntry(ValueError):
    """A stored value does not have the shape its type requires."""


def encode(value: Any) -> Any:
    """A JSON-ready value: a record becomes the list of its fields, in order."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if _is_dataclass(type(value)):
        return [encode(getattr(value, name)) for name in _field_names(type(value))]
    raise TypeError(f"cannot store a {type(value).__name__} in the cache")


@cache
def decoder_for(hint: Any) -> Decoder:
    """A function turning a JSON value back into ``hint``'s type, or raising."""
    if hint is type(None) or hint is None:
        return _exactly(type(None))
    if hint in (str, bool, float):
        return _exactly(hint)
    if hint is int:
        return _exactly(int)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_decoder(hint)
    if isinstance(hint, type) and (_is_dataclass(hint) or _is_named_tuple(hint)):
        return _record_decoder(hint)
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            if arguments[0] is str:
                return _decode_strings  # a result's dependency records: the most common
            return _sequence_decoder(decoder_for(arguments[0]))
        return _fixed_tuple_decoder(tuple(decoder_for(argument) for argument in arguments))
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(tuple(decoder_for(argument) for argument in arguments))
    raise TypeError(f"no cache decoder for {hint!r}")


def _exactly(kind: type) -> Decoder:
    def decode(value: Any) -> Any:
        if type(value) is not kind and not (kind is float and type(value) is int):
            raise MalformedEntry(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return decode


def _enum_decoder(kind: type[enum.Enum]) -> Decoder:
    def decode(value: Any) -> Any:
        if isinstance(value, (list, dict)):
            raise MalformedEntry(f"expected a {kind.__name__} value")
        try:
            return kind(value)
        except ValueError as exc:
            raise MalformedEntry(str(exc)) from exc

    return decode


def _sequence_decoder(item: Decoder) -> Decoder:
    def decode(value: Any) -> Any:
        if type(value) is not list:
            raise MalformedEntry("expected a list")
        return tuple([item(element) for element in value]) if value else ()

    return decode


def _decode_strings(value: Any) -> tuple[str, ...]:
    """:func:`_sequence_decoder` of ``str`` items, each item's type tested at C speed."""
    if type(value) is not list:
        raise MalformedEntry("expected a list")
    if not set(map(type, value)) <= {str}:
        wrong = next(element for element in value if type(element) is not str)
        raise MalformedEntry(f"expected str, got {type(wrong).__name__}")
    return tuple(value)


def _fixed_tuple_decoder(items: tuple[Decoder, ...]) -> Decoder:
    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != len(items):
            raise MalformedEntry(f"expected a list of {len(items)} values")
        return tuple(item(element) for item, element in zip(items, value, strict=True))

    return decode


def _union_decoder(options: tuple[Decoder, ...]) -> Decoder:
    def decode(value: Any) -> Any:
        for option in options:
            try:
                return option(value)
            except MalformedEntry:
                continue
        raise MalformedEntry(f"no alternative accepts {type(value).__name__}")

    return decode


def _record_decoder(kind: type) -> Decoder:
    hints = typing.get_type_hints(kind)
    names = _field_names(kind)
    fields = tuple(decoder_for(hints[name]) for name in names)

    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != len(fields):
            raise MalformedEntry(f"expected the {len(fields)} fields of {kind.__name__}")
        return kind(*[field(element) for field, element in zip(fields, value, strict=True)])

    return decode


def _is_dataclass(kind: type) -> bool:
    return hasattr(kind, "__dataclass_fields__")


def _is_named_tuple(kind: type) -> bool:
    return issubclass(kind, tuple) and hasattr(kind, "_fields")


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    if _is_named_tuple(kind):
        return kind._fields  # type: ignore[attr-defined]
    import dataclasses  # a dataclass's module has imported it already

    return tuple(field.name for field in dataclasses.fields(kind) if field.init)
