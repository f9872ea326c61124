"""Settings: every threshold the rules read, per-rule severity overrides and disabled rules.

A `Settings` is frozen and passed in (`CheckContext.settings`), never global. The defaults are
the national rules; a rule pack (TOML) changes what a province does differently:

    name = "example"
    title = "示例省 (example province)"
    extends = "national"            # optional: start from another shipped pack

    [settings]
    tekun_standard_ratio = 1.5       # 特困 basic-living standard ≥ this × the 低保 standard
    submission_deadline = "06-30"    # annual reports filed 1 January – this day

    [rules]
    disabled = ["report.activities-outside-scope"]
    [rules.severity]
    "report.capital-drift" = "info"

`load_settings(location)` takes a TOML path or the name of a shipped pack
(nianbao/data/packs/*.toml: `national` and provinces); without one it reads $NIANBAO_CONFIG,
else the national defaults. `describe()` lists every setting with its value and help text.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

from nianbao.errors import UsageError
from nianbao.model import Severity
from nianbao.resources import resource_dir

CONFIG_ENV = "NIANBAO_CONFIG"
PACKS = "packs"
_SEVERITIES = get_args(Severity)


# What each threshold means, for `nianbao rules --config` and docs (the national default is the
# field's default below).
HELP = {
    "tekun_standard_ratio": "特困 basic-living standard ≥ this × the local 低保 standard "
                            "(policy.tekun-standard-ratio)",
    "submission_deadline_month_day": "annual reports are filed 1 January – this month-day of the "
                                     "next year (report.year-mismatch)",
    "capital_drift": "开办资金 moving by more than this fraction needs 变更登记 "
                     "(xyear.unregistered-change, report.capital-drift)",
    "staff_swing": "a staff count below this fraction of the other year's is a swing worth asking "
                   "about (xyear.staff-swing)",
    "staff_swing_min": "persons: a smaller change of the staff count is never a swing "
                       "(xyear.staff-swing)",
    "name_similar": "below this similarity a same-code name change is an identity question "
                    "(xyear.identity)",
    "dibao_edge_multiple": "低保边缘 families: income below this × the 低保 standard "
                           "(policy.dibao-edge-multiple)",
}


@dataclass(frozen=True)
class Settings:
    """Knobs the rules read, each with its default (the national rule); see `HELP`."""

    tekun_standard_ratio: Decimal = Decimal("1.3")
    submission_deadline_month_day: tuple[int, int] = (3, 31)
    capital_drift: Decimal = Decimal("0.20")
    staff_swing: Decimal = Decimal("0.5")
    staff_swing_min: int = 3
    name_similar: float = 0.5
    dibao_edge_multiple: Decimal = Decimal("1.5")
    severity: tuple[tuple[str, Severity], ...] = ()  # per-rule overrides: (rule id, severity)
    disabled: frozenset[str] = frozenset()  # rule ids that do not run
    pack: str = "national"  # the rule pack these settings come from

    def severity_of(self, rule_id: str) -> Severity | None:
        """The configured severity of `rule_id`, or None to keep the rule's own."""
        return dict(self.severity).get(rule_id)

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, value, help) of every threshold, for `nianbao rules --config`."""
        return [(name, _show(getattr(self, name)), text) for name, text in HELP.items()]


def _show(value: Any) -> str:
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return f"{value[0]:02d}-{value[1]:02d}"
    return str(value)


def shipped_packs() -> list[str]:
    """The names of the rule packs shipped with nianbao."""
    return sorted(p.stem for p in (resource_dir("data") / PACKS).glob("*.toml"))


def load_settings(location: str | Path | None = None) -> Settings:
    """Settings from a TOML rule pack: a path, a shipped pack's name, or (None) $NIANBAO_CONFIG;
    the national defaults when none is given. Raises `UsageError` for a bad file."""
    location = location if location is not None else os.environ.get(CONFIG_ENV) or None
    if location is None:
        return Settings()
    return _load(str(location), seen=())


def _load(location: str, seen: tuple[str, ...]) -> Settings:
    path = Path(location)
    if not path.suffix and not path.exists():
        path = resource_dir("data") / PACKS / f"{location}.toml"
    if str(path) in seen:
        raise UsageError(f"规则包循环继承：{path}", f"rule packs extend each other in a loop: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise UsageError(f"无法读取规则包 {location}（{exc.strerror or exc}）；内置规则包："
                         f"{'、'.join(shipped_packs())}",
                         f"cannot read the rule pack {location} ({exc.strerror or exc}); "
                         f"shipped packs: {', '.join(shipped_packs())}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"规则包 {path} 不是有效的 TOML：{exc}",
                         f"the rule pack {path} is not valid TOML: {exc}") from exc
    base = _load(str(data["extends"]), (*seen, str(path))) if "extends" in data else Settings()
    return _apply(base, data, path)


def _apply(base: Settings, data: dict[str, Any], path: Path) -> Settings:
    changes: dict[str, Any] = {"pack": str(data.get("name", path.stem))}
    known = {f.name: f for f in fields(Settings)}
    for key, value in dict(data.get("settings", {})).items():
        name = "submission_deadline_month_day" if key == "submission_deadline" else key
        if name not in known or name in ("severity", "disabled", "pack"):
            raise _bad(path, f"未知设置 {key}", f"unknown setting {key}")
        changes[name] = _value(name, value, getattr(base, name), path)
    rules = dict(data.get("rules", {}))
    severity = dict(base.severity)
    for rule_id, level in dict(rules.get("severity", {})).items():
        if level not in _SEVERITIES:
            raise _bad(path, f"{rule_id} 的级别须为 error、warning 或 info",
                       f"the severity of {rule_id} must be error, warning or info")
        severity[str(rule_id)] = level
    changes["severity"] = tuple(sorted(severity.items()))
    changes["disabled"] = base.disabled | frozenset(str(r) for r in rules.get("disabled", []))
    return replace(base, **changes)


def _value(name: str, value: Any, default: Any, path: Path) -> Any:
    if name == "submission_deadline_month_day":
        try:
            month, day = (int(p) for p in str(value).split("-"))
            dt.date(2023, month, day)  # a day every year has: not 13-45, 02-30 or 02-29
        except ValueError:
            raise _bad(path, f"submission_deadline 须写作每年都有的日期 \"MM-DD\"（而不是 {value!r}）",
                       f'submission_deadline must be a day every year has, written "MM-DD" '
                       f"(not {value!r})") from None
        return (month, day)
    if isinstance(value, Decimal) and not value.is_finite():
        raise _bad(path, f"{name} 的值 {value} 不是有限数", f"{name}: {value} is not a finite number")
    if isinstance(default, Decimal) and isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(default, float) and isinstance(value, Decimal | int):
        return float(value)
    if isinstance(default, int) and isinstance(value, int):
        return value
    raise _bad(path, f"{name} 的值 {value!r} 类型不对", f"{name}: {value!r} has the wrong type")


def _bad(path: Path, zh: str, en: str) -> UsageError:
    return UsageError(f"规则包 {path}：{zh}", f"rule pack {path}: {en}")
