"""The lab catalogue: what labs exist and what they accept, light enough to import without torch.

The UI, `dlearn lab list` and `dlearn content check` read it; the CLI validates a run's
parameters against it *before* starting a process, so a typo costs a message, not a torch
import. Each lab is a package `engine/labs/<id>/`: its `__init__.py` declares the `Lab`
(torch-free); the torch code it names in `Lab.module` is imported only by the run process.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.errors import ParamError

ParamType = Literal["int", "float", "str", "bool"]


@dataclass(frozen=True)
class Param:
    """One tunable knob of a lab, with the range a run may set it to."""

    name: str
    type: ParamType
    default: Any
    help: dict[str, str]  # {"ko": ..., "en": ...}
    low: float | None = None  # inclusive bounds for int/float
    high: float | None = None
    choices: tuple[str, ...] = ()  # allowed values for str

    def allowed(self) -> str:
        """The allowed values in words, for messages and `lab list`."""
        if self.choices:
            return " | ".join(self.choices)
        if self.type == "bool":
            return "true | false"
        if self.low is not None and self.high is not None:
            return f"{_fmt(self.low)} .. {_fmt(self.high)}"
        return self.type


@dataclass(frozen=True)
class Lab:
    """A lab's declaration: what claim of the lecture it tests and how it can be run."""

    id: str
    title: dict[str, str]
    claim: dict[str, str]
    params: tuple[Param, ...]
    presets: dict[str, dict[str, Any]]  # preset name -> parameter overrides
    arms: tuple[str, ...]
    module: str  # the torch module, imported only by the run process
    section: str = ""  # the lecture section it demonstrates
    preset_help: dict[str, dict[str, str]] = field(default_factory=dict)
    # torch-free check across parameters (e.g. "shallow < deep"); raises ParamError
    check: Callable[[dict[str, Any]], None] | None = None
    # the exercises (`engine.exercises` ids) these parameters train in place of the built-in
    # code (`impl=mine`); `engine.runs.launch.prepare` refuses a run until they are passed
    exercises: Callable[[dict[str, Any]], tuple[str, ...]] | None = None

    def param(self, name: str) -> Param | None:
        """The parameter called `name`, or None."""
        return next((p for p in self.params if p.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class LabDeclarationWarning(UserWarning):
    """A lab's declaration failed to import and was left out of the catalogue.

    The app and `dlearn lab list` carry on without it; the test suite turns it into an error
    (pyproject's filterwarnings), so a broken lab cannot pass CI by quietly disappearing."""


class Catalogue(MutableMapping[str, Lab]):
    """Every lab, by id: the `Lab` declared in each `engine/labs/<id>/__init__.py`.

    The labs are found on first use, not when this module is imported, so a declaration may
    import `engine.catalogue` (for `Lab` and `Param`) in any order. Each lab's author owns
    its declaration; this only collects them. A broken declaration is reported as a warning
    and left out, so the other labs still list.
    """

    def __init__(self) -> None:
        self._labs: dict[str, Lab] | None = None

    def _all(self) -> dict[str, Lab]:
        if self._labs is None:
            self._labs = _discover()
        return self._labs

    def __getitem__(self, lab_id: str) -> Lab:
        return self._all()[lab_id]

    def __setitem__(self, lab_id: str, lab: Lab) -> None:
        self._all()[lab_id] = lab

    def __delitem__(self, lab_id: str) -> None:
        del self._all()[lab_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _discover() -> dict[str, Lab]:
    labs: dict[str, Lab] = {}
    for path in sorted((Path(__file__).parent / "labs").glob("*/__init__.py")):
        name = f"engine.labs.{path.parent.name}"
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # one bad file must not hide every lab
            warnings.warn(
                f"lab declaration {name} failed to load: {exc}", LabDeclarationWarning, stacklevel=3
            )
            continue
        for value in vars(module).values():
            if isinstance(value, Lab):
                labs[value.id] = value
    return labs


LABS = Catalogue()


def lab_ids() -> set[str]:
    """Ids of every lab that can be run."""
    return set(LABS)


def get_lab(lab_id: str) -> Lab:
    """The lab called `lab_id`, or a ParamError naming the labs there are."""
    try:
        return LABS[lab_id]
    except KeyError:
        known = ", ".join(sorted(LABS))
        raise ParamError(
            f"unknown lab '{lab_id}'; available labs: {known} (see `dlearn lab list`)",
            f"'{lab_id}'라는 실습은 없습니다. 있는 실습: {known} (`dlearn lab list` 참고)",
        ) from None


def parse_value(param: Param, raw: Any) -> Any:
    """Turn `raw` (a string from `--set`, or a JSON value) into the parameter's type."""
    what = {"int": "an integer", "float": "a number", "bool": "true or false", "str": "text"}
    what_ko = {"int": "정수", "float": "수", "bool": "true 또는 false", "str": "문자열"}
    try:
        if param.type == "int":
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError
            value: Any = int(raw) if not isinstance(raw, str) else int(raw.strip(), 10)
        elif param.type == "float":
            if isinstance(raw, bool):
                raise ValueError
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError
        elif param.type == "bool":
            text = str(raw).strip().lower()
            if text not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            value = text in ("true", "1", "yes")
        else:
            value = str(raw)
    except (TypeError, ValueError):
        raise ParamError(
            f"parameter '{param.name}' must be {what[param.type]}, got {raw!r} "
            f"(allowed: {param.allowed()})",
            f"매개변수 '{param.name}'에는 {what_ko[param.type]}를 주어야 합니다. 받은 값: {raw!r} "
            f"(허용: {param.allowed()})",
        ) from None
    return value


def check_value(param: Param, value: Any) -> None:
    """Raise a ParamError naming the parameter, the value and the allowed range."""
    bad = False
    if param.choices:
        bad = value not in param.choices
    elif param.type in ("int", "float"):
        bad = (param.low is not None and value < param.low) or (
            param.high is not None and value > param.high
        )
    if bad:
        raise ParamError(
            f"parameter '{param.name}' = {_fmt(value)} is out of range; allowed: "
            f"{param.allowed()}. Change it with --set {param.name}=VALUE.",
            f"매개변수 '{param.name}'의 값 {_fmt(value)}은(는) 허용 범위 밖입니다. 허용: "
            f"{param.allowed()}. --set {param.name}=값 으로 바꾸세요.",
        )


def resolve_params(
    lab: Lab, preset: str | None = "quick", overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The full, validated parameter set: defaults, then the preset, then `overrides`.

    `overrides` may hold strings (from `--set name=value`) or typed values (from a spec file).
    """
    params = lab.defaults()
    if preset is not None:
        if preset not in lab.presets:
            names = ", ".join(lab.presets)
            raise ParamError(
                f"lab '{lab.id}' has no preset '{preset}'; presets: {names}",
                f"실습 '{lab.id}'에는 '{preset}' 프리셋이 없습니다. 프리셋: {names}",
            )
        params.update(lab.presets[preset])
    for name, raw in (overrides or {}).items():
        param = lab.param(name)
        if param is None:
            known = ", ".join(p.name for p in lab.params)
            raise ParamError(
                f"lab '{lab.id}' has no parameter '{name}'; its parameters: {known}",
                f"실습 '{lab.id}'에는 '{name}' 매개변수가 없습니다. 매개변수: {known}",
            )
        params[name] = parse_value(param, raw)
    for param in lab.params:
        check_value(param, params[param.name])
    if lab.check is not None:
        lab.check(params)
    return params


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`["lr=0.1", "epochs=3"]` -> `{"lr": "0.1", "epochs": "3"}`, with a message for bad items."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParamError(
                f"--set expects name=value (e.g. --set lr=0.05), got {item!r}",
                f"--set 에는 이름=값 형식을 주세요 (예: --set lr=0.05). 받은 값: {item!r}",
            )
        out[name.strip()] = value.strip()
    return out
