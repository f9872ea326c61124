"""The generator's input: a notice as YAML or JSON, checked before anything is written.

- `load_notice(path)` reads YAML (safe loading: no tags, no objects; aliases, nesting and
  numbers within `nianbao.extract.structured`'s limits, so an alias bomb is refused before it
  is built) or JSON, at most `MAX_INPUT_BYTES`, accepts nianbao's own output envelope (`{"kind": "notice", "record": …}`)
  or the bare fields, turns YAML dates into ISO strings and a date written 2023年7月6日 into
  2023-07-06, and validates the result against schemas/notice.schema.json. Any problem is one
  `UnreadableInput` naming the file and the first thing wrong, never a traceback. A .txt/.docx/
  .pdf notice is read and parsed instead, so an existing notice can be re-typeset.
- `preflight(fields, force=...)` runs the rule registry on the record as the generator's input
  (no document: a missing 发文字号 or 版记 is an error) and raises `RefusedToGenerate` when
  there are errors, unless forced. It returns the findings either way.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from nianbao import forms
from nianbao.checks import CheckContext, Registry, default_registry
from nianbao.errors import UnreadableInput
from nianbao.extract.structured import BadValue, load_json, load_yaml
from nianbao.generate.atomic import refuse_inputs
from nianbao.generate.notice_context import build_notice_context
from nianbao.generate.refusal import refuse_on_errors
from nianbao.model import Finding, Record
from nianbao.text.dates import parse_date

MAX_INPUT_BYTES = 2_000_000  # a notice with its 方案 is ~30 KB of YAML
SCHEMA = "notice.schema.json"
DOCUMENT_SUFFIXES = (".txt", ".text", ".docx", ".pdf")


def validator() -> Draft202012Validator:
    return forms.validator(SCHEMA)


def load_notice(path: str | Path) -> dict[str, Any]:
    """The notice fields in `path` (.yaml/.yml/.json, or a .txt/.docx/.pdf notice)."""
    path = Path(path)
    if path.suffix.lower() in DOCUMENT_SUFFIXES:
        from nianbao.extract import notice, read

        return notice.parse(read(path)).fields
    data = _parse(path, _read(path))
    if isinstance(data, dict) and isinstance(data.get("record"), dict):
        if data.get("kind", "notice") != "notice":
            raise _bad(path, f"记录类型是 {data.get('kind')}，不是通知",
                       f"the record is a {data.get('kind')}, not a notice")
        data = data["record"]
    if not isinstance(data, dict):
        raise _bad(path, "内容应为一个键值映射（字段: 值）", "the content must be a mapping of fields")
    fields = _dates(data)
    assert isinstance(fields, dict)
    validate(fields, path)
    return fields


def validate(fields: dict[str, Any], path: str | Path = "<notice>") -> None:
    """Raise UnreadableInput naming the first schema violation of `fields`."""
    errors = sorted(validator().iter_errors(_without_nulls(fields)),
                    key=lambda e: (list(e.absolute_path), str(e.message)))
    if errors:
        first = errors[0]
        where = "/" + "/".join(str(p) for p in first.absolute_path)
        more = f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else ""
        more_en = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise _bad(Path(path), f"{where}：{first.message}{more}", f"{where}: {first.message}{more_en}")


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise _bad(path, "不是文件", "not a file")
        if size > MAX_INPUT_BYTES:
            raise _bad(path, f"文件过大（{size:,} 字节，上限 {MAX_INPUT_BYTES:,}）",
                       f"too large ({size:,} bytes, limit {MAX_INPUT_BYTES:,})")
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise _bad(path, "文件不存在", "file not found") from exc
    except UnicodeDecodeError as exc:
        raise _bad(path, "不是 UTF-8 编码的文本", "not UTF-8 text") from exc
    except OSError as exc:
        raise _bad(path, f"无法读取（{exc.strerror}）", f"cannot read it ({exc.strerror})") from exc


def _parse(path: Path, text: str) -> Any:
    if not text.strip():
        raise _bad(path, "文件为空", "the file is empty")
    try:
        if path.suffix.lower() == ".json":
            return load_json(text, decimals=False)
        return load_yaml(text)
    except BadValue as exc:
        raise _bad(path, exc.zh, exc.en) from exc
    except json.JSONDecodeError as exc:
        raise _bad(path, f"JSON 格式错误，第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}",
                   f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        where_en = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _bad(path, f"YAML 格式错误{where}：{problem}",
                   f"invalid YAML{where_en}: {problem}") from exc
    except RecursionError as exc:
        raise _bad(path, "嵌套过深", "nested too deeply") from exc
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a YAML date 2025-13-40
        raise _bad(path, f"无法识别的值：{exc}", f"a value cannot be read: {exc}") from exc


def _dates(value: Any, key: str = "") -> Any:
    """YAML dates → ISO strings; a date field written 2023年7月6日 → 2023-07-06."""
    if isinstance(value, dict):
        return {str(k): _dates(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v, key) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if key in ("date", "printed_on") and isinstance(value, str):
        parsed = parse_date(value)
        if parsed is not None:
            return parsed.isoformat()
    return value


def _without_nulls(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _bad(path: Path, zh: str, en: str) -> UnreadableInput:
    return UnreadableInput(f"无法读取通知 {path}：{zh}", f"cannot read the notice {path}: {en}")


def preflight(fields: dict[str, Any], *, force: bool = False,
              rules: Registry | None = None) -> list[Finding]:
    """Check the notice as the generator's input; refuse on error findings unless `force`."""
    date = fields.get("date")
    year = int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None
    issuers = fields.get("issuers") or [None]
    record = Record(kind="notice", fields=fields, year=year,
                    as_of=date[:7] if isinstance(date, str) else None, org=issuers[0])
    findings = (rules or default_registry()).run(CheckContext(record))
    refuse_on_errors(findings, "notice", force=force)
    return findings


def writing_context(fields: dict[str, Any], out: Path, *, inputs: list[Path], force: bool = False,
                    findings: list[Finding] | None = None) -> dict[str, Any]:
    """What writing a notice starts with, as DOCX or PDF: refuse to write over one of `inputs`,
    check the notice (`preflight`; its findings, warnings included, are appended to `findings`
    when given), then the template context."""
    refuse_inputs(out, inputs)
    found = preflight(fields, force=force)
    if findings is not None:
        findings.extend(found)
    return build_notice_context(fields)
