"""The lab catalogue: declarations and parameter validation (torch-free)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine import catalogue
from engine.errors import ParamError


def test_every_lab_declares_what_the_ui_needs() -> None:
    assert "features" in catalogue.lab_ids()
    for lab in catalogue.LABS.values():
        assert lab.title["ko"] and lab.title["en"]
        assert lab.claim["ko"] and lab.claim["en"]
        assert {"quick", "full"} <= set(lab.presets)
        assert lab.arms
        for param in lab.params:
            assert param.help["ko"] and param.help["en"]
        for preset in lab.presets:  # every preset is itself valid
            catalogue.resolve_params(lab, preset)


def test_defaults_preset_then_overrides_with_types() -> None:
    lab = catalogue.get_lab("features")
    params = catalogue.resolve_params(lab, "full", {"lr": "0.05", "epochs": "3"})
    assert params["lr"] == 0.05 and isinstance(params["lr"], float)
    assert params["epochs"] == 3 and isinstance(params["epochs"], int)
    assert params["width"] == lab.presets["full"]["width"]
    assert params["optimizer"] == "sgd"


def test_out_of_range_names_parameter_value_and_range() -> None:
    lab = catalogue.get_lab("features")
    with pytest.raises(ParamError) as exc:
        catalogue.resolve_params(lab, "quick", {"lr": "50"})
    assert "'lr'" in exc.value.en and "50" in exc.value.en and "1e-05 .. 10" in exc.value.en
    assert "'lr'" in exc.value.ko and "50" in exc.value.ko


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"epochs": "three"}, ["'epochs'", "integer", "three"]),
        ({"epochs": "2.5"}, ["'epochs'", "integer"]),
        ({"optimizer": "rmsprop"}, ["'optimizer'", "rmsprop", "sgd | adam"]),
        ({"depth": "9"}, ["'depth'", "9", "2 .. 4"]),
        ({"lr": "nan"}, ["'lr'", "number"]),
        ({"colour": "red"}, ["'colour'", "epochs"]),
    ],
)
def test_bad_values_are_rejected_with_a_message(overrides: dict, words: list[str]) -> None:
    lab = catalogue.get_lab("features")
    with pytest.raises(ParamError) as exc:
        catalogue.resolve_params(lab, "quick", overrides)
    for word in words:
        assert word in exc.value.en


def test_unknown_lab_preset_and_bad_assignment() -> None:
    with pytest.raises(ParamError, match="available labs: .*features"):
        catalogue.get_lab("resnet9000")
    with pytest.raises(ParamError, match="no preset 'huge'"):
        catalogue.resolve_params(catalogue.get_lab("features"), "huge")
    with pytest.raises(ParamError, match="name=value"):
        catalogue.parse_assignments(["lr0.1"])
    assert catalogue.parse_assignments(["lr = 0.1", "epochs=2"]) == {"lr": "0.1", "epochs": "2"}


LAB_DIRS = sorted(
    p.parent.name for p in (Path(catalogue.__file__).parent / "labs").glob("*/__init__.py")
)


def test_every_lab_is_found_from_a_fresh_interpreter() -> None:
    """No patching and no earlier import: the catalogue a user's `dlearn lab list` sees."""
    code = (
        "import json, warnings\n"
        "warnings.simplefilter('error')\n"
        "from engine import catalogue\n"
        "print(json.dumps(sorted(catalogue.lab_ids())))\n"
        "import sys; print('torch' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    assert json.loads(out[0]) == [
        "features",
        "forecast",
        "memory",
        "resnet",
        "seq2seq",
        "transformer",
    ]
    assert json.loads(out[0]) == LAB_DIRS  # and every lab folder declares its lab
    assert out[1] == "False"  # finding the labs loads no torch


def test_a_lab_that_fails_to_import_is_a_declaration_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.import_module

    def broken(name: str, package: str | None = None):  # type: ignore[no-untyped-def]
        if name == "engine.labs.memory":
            raise SyntaxError("invalid syntax (__init__.py, line 3)")
        return real(name, package)

    monkeypatch.setattr(catalogue.importlib, "import_module", broken)
    with pytest.warns(catalogue.LabDeclarationWarning, match="engine.labs.memory"):
        found = catalogue._discover()
    assert "memory" not in found and "features" in found
