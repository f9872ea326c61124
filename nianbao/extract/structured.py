"""JSON and YAML input (records, notices) read with limits, so a hostile file is one clear refusal.

What a record or notice file can do to a naive loader, and what happens here instead:

- `NaN`, `Infinity`, `1e400` (a float that overflows to infinity), `.nan`/`.inf` in YAML: refused.
  A non-finite amount would make every rule that compares it crash and print "NaN万元".
- A 5,000-digit integer (Python refuses to parse it) or `10**400`: refused past `max_digits`
  digits; a number larger than `max_magnitude` is refused too (no amount on the form comes near).
- 100,000 nested brackets: refused past `max_depth` levels, before the recursion runs out.
- A YAML alias bomb ("billion laughs": each anchor a list of ten aliases of the one before):
  the node graph is measured before it is built, and a document that expands to more than
  `max_nodes` nodes, or uses more than `max_aliases` aliases, or refers to itself, is refused.

The loaders raise `ValueError` subclasses with a message in both languages; the caller turns them
into an `UnreadableInput` that names the user's file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml


@dataclass(frozen=True)
class InputLimits:
    max_depth: int = 64
    """Nesting levels of lists and mappings; a notice needs 4, a record 3."""

    max_digits: int = 18
    """Digits of one integer (what a 64-bit database column holds)."""

    max_magnitude: float = 1e15
    """Largest absolute value of a number; the largest amount on a form is far below it."""

    max_nodes: int = 200_000
    """Values in a YAML document once its aliases are expanded."""

    max_aliases: int = 1_000
    """YAML aliases (*name) in one document."""


DEFAULT_INPUT_LIMITS = InputLimits()
# libyaml's parser when PyYAML has it (fast on huge or deeply nested input), the same safe rules.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BadValue(ValueError):
    """A value or a shape the loaders refuse; `zh`/`en` say what and where."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.zh, self.en))


_NOT_TEXT_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F]|0000)")
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def load_json(text: str, limits: InputLimits = DEFAULT_INPUT_LIMITS,
              decimals: bool = True) -> Any:
    """Parse JSON text; raise `json.JSONDecodeError` for bad syntax and `BadValue` for values
    past the limits (non-finite numbers, huge integers, deep nesting). Numbers with a fraction
    or exponent become Decimal (exact amounts), or float when `decimals` is False."""
    depth = _bracket_depth(text, limits.max_depth)
    if depth > limits.max_depth:
        raise _too_deep(limits)

    def constant(name: str) -> Any:
        raise BadValue(f"不接受非有限数值 {name}", f"a non-finite number ({name}) is not accepted")

    def integer(digits: str) -> int:
        if len(digits.lstrip("-")) > limits.max_digits:
            raise _too_long(digits, limits)
        value = int(digits)
        _in_range(value, limits)
        return value

    def real(digits: str) -> Decimal | float:
        value = float(digits)
        if not math.isfinite(value):
            raise BadValue(f"数值超出范围：{digits[:20]}", f"a number out of range: {digits[:20]}")
        _in_range(value, limits)
        return Decimal(digits) if decimals else value

    try:
        value = json.loads(text, parse_constant=constant, parse_int=integer, parse_float=real)
    except RecursionError as exc:  # a depth the bracket count missed (it cannot, but be sure)
        raise _too_deep(limits) from exc
    if _NOT_TEXT_ESCAPE.search(text):
        _only_text(value, "")
    return value


def _only_text(value: Any, pointer: str) -> None:
    """Refuse a string holding half of a UTF-16 pair (an escape such as \\ud800 with no partner):
    it is no character, and no UTF-8 output (JSON, the store, the terminal) can hold it; or
    holding NUL (\\u0000), which no text holds and a PostgreSQL store cannot."""
    if isinstance(value, str):
        if (m := _NOT_TEXT.search(value)) is not None:
            where, code = pointer or "/", ord(m.group(0))
            if code == 0:
                raise BadValue(f"{where} 含有空字符 \\u0000（不是文字）",
                               f"{where} holds a NUL character \\u0000 (not text)")
            raise BadValue(f"{where} 含有不成对的代理码 \\u{code:04x}（不是有效字符）",
                           f"{where} holds an unpaired surrogate \\u{code:04x} (not a character)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _only_text(key, pointer)
            _only_text(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _only_text(item, f"{pointer}/{index}")


def _bracket_depth(text: str, limit: int) -> int:
    """The deepest nesting of [ and { outside strings: cheap, and before any recursion."""
    if text.count("[") + text.count("{") <= limit:
        return 0
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        char = match.group(0)
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_yaml(text: str, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> Any:
    """`yaml.safe_load` with the limits: the alias graph is measured before anything is built."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _measure(node, limits)
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    check_values(data, limits)
    return data


def _measure(root: yaml.Node, limits: InputLimits) -> None:
    """Refuse a node graph that is too deep, uses too many aliases, refers to itself or expands
    to too many nodes. Each distinct node is visited once, so this is linear in the file."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    aliases = 0

    def size(node: yaml.Node, depth: int) -> int:
        nonlocal aliases
        key = id(node)
        if key in on_path:
            raise BadValue("YAML 别名引用了自身", "a YAML alias refers to itself")
        if key in sizes:
            aliases += 1
            if aliases > limits.max_aliases:
                raise BadValue(f"YAML 别名过多（上限 {limits.max_aliases}）",
                               f"too many YAML aliases (limit {limits.max_aliases})")
            return sizes[key]
        if depth > limits.max_depth:
            raise _too_deep(limits)
        total = 1
        if node.tag == "tag:yaml.org,2002:int" and len(
                str(node.value).lstrip("+-").replace("_", "")) > limits.max_digits:
            raise _too_long(str(node.value), limits)
        if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            on_path.add(key)
            children = (node.value if isinstance(node, yaml.SequenceNode)
                        else [part for pair in node.value for part in pair])
            for child in children:
                total += size(child, depth + 1)
            on_path.discard(key)
        if total > limits.max_nodes:
            raise BadValue(f"YAML 展开后过大（超过 {limits.max_nodes:,} 个值，可能是别名炸弹）",
                           f"the YAML expands to more than {limits.max_nodes:,} values "
                           "(an alias bomb?)")
        sizes[key] = total
        return total

    size(root, 0)


def check_values(value: Any, limits: InputLimits = DEFAULT_INPUT_LIMITS, depth: int = 0) -> None:
    """Refuse non-finite or out-of-range numbers and too deep nesting anywhere in `value`."""
    if depth > limits.max_depth:
        raise _too_deep(limits)
    if isinstance(value, dict):
        for item in value.values():
            check_values(item, limits, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            check_values(item, limits, depth + 1)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if value.bit_length() > 64 * 4:  # str() of a 10**400 would itself be slow, check first
            raise _too_long("…", limits)
        _in_range(value, limits)
    elif isinstance(value, float | Decimal):
        if not (math.isfinite(value) if isinstance(value, float) else value.is_finite()):
            raise BadValue(f"不接受非有限数值 {value}", f"a non-finite number ({value}) is not accepted")
        _in_range(value, limits)


def _in_range(value: Any, limits: InputLimits) -> Any:
    if abs(value) > limits.max_magnitude:
        shown = f"{float(value):.3g}" if abs(value) < 10**300 else "10^300+"
        raise BadValue(f"数值超出范围：{shown}（上限 {limits.max_magnitude:.0e}）",
                       f"a number out of range: {shown} (limit {limits.max_magnitude:.0e})")
    return value


def _too_long(digits: str, limits: InputLimits) -> BadValue:
    return BadValue(f"整数位数过多（上限 {limits.max_digits} 位）：{digits[:12]}…",
                    f"an integer with too many digits (limit {limits.max_digits}): {digits[:12]}…")


def _too_deep(limits: InputLimits) -> BadValue:
    return BadValue(f"嵌套过深（上限 {limits.max_depth} 层）",
                    f"nested too deeply (limit {limits.max_depth} levels)")
