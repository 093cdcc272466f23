"""A lab's parameter form, built from its declaration, and the dialogs before a run starts.

The form has one row per declared parameter (name, value, allowed range and help text) and a
preset picker. Each value is checked as it is typed with the catalogue's own rules
(`parse_value`, `check_value`, the lab's cross-parameter `check`), and a bad value gets its
message right under its row: nothing starts until the form is clean, and no torch import is
spent on a typo.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from engine.catalogue import Lab, check_value, parse_value
from engine.errors import ParamError
from tui.i18n import tr

CUSTOM = "custom"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class LabForm(Vertical):
    """The parameters of one lab, a preset picker and a seed; `validate()` reads them."""

    lang: reactive[str] = reactive("en")
    """Language of help texts and messages."""

    def __init__(self, lab: Lab, lang: str, preset: str = "quick") -> None:
        super().__init__(id="lab-form")
        self.lab = lab
        self.set_reactive(LabForm.lang, lang)
        self.preset = preset if preset in lab.presets else next(iter(lab.presets), CUSTOM)
        self._filling = False

    def _preset_options(self) -> list[tuple[str, str]]:
        options = []
        for name in self.lab.presets:
            help_text = (self.lab.preset_help.get(name) or {}).get(self.lang, "")
            options.append((f"{name} — {help_text}" if help_text else name, name))
        options.append((tr("preset_custom", self.lang), CUSTOM))
        return options

    def compose(self) -> ComposeResult:
        values = self.preset_values(self.preset)
        with Horizontal(classes="param-row"):
            yield Static(tr("preset", self.lang), classes="param-name", id="preset-label")
            yield Select(
                self._preset_options(),
                value=self.preset,
                allow_blank=False,
                compact=True,
                id="preset",
            )
        for param in self.lab.params:
            with Horizontal(classes="param-row"):
                yield Static(param.name, classes="param-name", markup=False)
                yield Input(_show(values[param.name]), compact=True, id=f"param-{param.name}")
                yield Static(self._help(param.name), classes="param-help", markup=False)
            yield Static("", id=f"error-{param.name}", classes="param-error", markup=False)
        with Horizontal(classes="param-row"):
            yield Static("seed", classes="param-name")
            yield Input("0", compact=True, id="param-seed")
            yield Static(tr("seed_help", self.lang), classes="param-help", id="seed-help")
        yield Static("", id="error-seed", classes="param-error", markup=False)
        with Horizontal(classes="param-row"):  # data-parallel processes (torchrun)
            yield Static("procs", classes="param-name")
            yield Input("1", compact=True, id="param-procs")
            yield Static(tr("procs_help", self.lang), classes="param-help", id="procs-help")
        yield Static("", id="error-procs", classes="param-error", markup=False)
        yield Static("", id="form-error", markup=False)

    def on_mount(self) -> None:
        for error in self.query(".param-error"):
            error.display = False
        self._fit_names()

    def _fit_names(self) -> None:
        """The name column as wide as this lab's longest name (batches_per_epoch spilled
        into its value at the stylesheet's 12 cells); the errors line up under the values."""
        labels = [p.name for p in self.lab.params] + [tr("preset", self.lang), "seed"]
        width = max([12] + [cell_len(label) + 1 for label in labels])
        for name in self.query(".param-name").results(Static):
            name.styles.width = width
        for error in self.query(".param-error"):
            error.styles.padding = (0, 0, 0, width)

    def _help(self, name: str) -> str:
        param = self.lab.param(name)
        assert param is not None
        return f"{param.allowed()} · {param.help.get(self.lang, '')}"

    def watch_lang(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#preset-label", Static).update(tr("preset", self.lang))
        self.query_one("#seed-help", Static).update(tr("seed_help", self.lang))
        self.query_one("#procs-help", Static).update(tr("procs_help", self.lang))
        for param in self.lab.params:
            row = self.query_one(f"#param-{param.name}", Input).parent
            assert row is not None
            row.query_one(".param-help", Static).update(self._help(param.name))
        self.query_one("#preset", Select).set_options(self._preset_options())
        self.query_one("#preset", Select).value = self.preset
        self.validate()

    def preset_values(self, preset: str) -> dict[str, Any]:
        values = self.lab.defaults()
        values.update(self.lab.presets.get(preset, {}))
        return values

    @on(Select.Changed, "#preset")
    def _preset_chosen(self, event: Select.Changed) -> None:
        chosen = str(event.value)
        if chosen == self.preset or chosen == CUSTOM:
            self.preset = chosen
            return
        self.preset = chosen
        self._filling = True
        try:
            for name, value in self.preset_values(chosen).items():
                self.query_one(f"#param-{name}", Input).value = _show(value)
        finally:
            self._filling = False
        self.call_after_refresh(self.validate)

    @on(Input.Changed)
    def _value_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._filling:
            return
        if self.preset != CUSTOM and self.overrides_raw() != {}:
            self.preset = CUSTOM
            self.query_one("#preset", Select).value = CUSTOM
        self.validate()

    def raw(self) -> dict[str, str]:
        """The text in every parameter's box."""
        return {p.name: self.query_one(f"#param-{p.name}", Input).value for p in self.lab.params}

    def overrides_raw(self) -> dict[str, str]:
        """The boxes that differ from the chosen preset (all of them for `custom`)."""
        base = {k: _show(v) for k, v in self.preset_values(self.preset).items()}
        raw = self.raw()
        if self.preset == CUSTOM:
            return raw
        return {k: v for k, v in raw.items() if v.strip() != base.get(k)}

    def validate(self) -> tuple[dict[str, Any], int] | None:
        """(params, seed) when every value is valid; else None, with messages under the rows."""
        lang = self.lang
        params: dict[str, Any] = {}
        ok = True
        for param in self.lab.params:
            error = self.query_one(f"#error-{param.name}", Static)
            try:
                value = parse_value(param, self.query_one(f"#param-{param.name}", Input).value)
            except ParamError as exc:
                ok = False
                error.update("! " + exc.text(lang))
                error.display = True
                continue
            try:
                check_value(param, value)
            except ParamError:  # its text names the CLI's --set; say it in the form's words
                ok = False
                text = tr("param_range", lang, value=_show(value), allowed=param.allowed())
                error.update("! " + text)
                error.display = True
                continue
            error.display = False
            params[param.name] = value
        seed_error = self.query_one("#error-seed", Static)
        seed_text = self.query_one("#param-seed", Input).value.strip()
        seed = int(seed_text) if seed_text.lstrip("-").isdigit() else None
        seed_error.display = seed is None
        if seed is None:
            ok = False
            seed_error.update("! " + tr("seed_bad", lang, text=seed_text))
        if self.procs() is None:
            ok = False
        form_error = self.query_one("#form-error", Static)
        form_error.update("")
        if ok and self.lab.check is not None:
            try:
                self.lab.check(params)
            except ParamError as exc:
                form_error.update("! " + exc.text(lang))
                ok = False
        if not ok or seed is None:
            return None
        return params, seed

    def procs(self) -> int | None:
        """The processes asked for (1..64), or None with a message under the row."""
        text = self.query_one("#param-procs", Input).value.strip()
        value = int(text) if text.isdigit() else None
        bad = value is None or not 1 <= value <= 64
        error = self.query_one("#error-procs", Static)
        error.display = bad
        if bad:
            error.update("! " + tr("procs_bad", self.lang, text=text))
            return None
        return value

    def first_error(self) -> Input | None:
        """The first box whose value is wrong, to put the cursor there."""
        for param in self.lab.params:
            if self.query_one(f"#error-{param.name}", Static).display:
                return self.query_one(f"#param-{param.name}", Input)
        if self.query_one("#error-seed", Static).display:
            return self.query_one("#param-seed", Input)
        if self.query_one("#error-procs", Static).display:
            return self.query_one("#param-procs", Input)
        return None

    def show_error(self, text: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update("! " + text)
        # below a long form (e.g. impl=mine refused): bring all of it into view once its
        # new height is laid out
        self.call_after_refresh(self.call_after_refresh, error.scroll_visible, animate=False)


class ChoiceScreen(ModalScreen[str | None]):
    """A message and a few one-key answers; dismisses with the chosen answer's name."""

    BINDINGS = [Binding("escape", "choose(None)", "cancel")]

    def __init__(self, message: str, choices: list[tuple[str, str, str]]) -> None:
        """`choices` are (key, answer name, label) triples, e.g. ("y", "yes", "y: yes")."""
        super().__init__()
        self.message = message
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.message, id="question", markup=False)
            keys = " · ".join(label for _, _, label in self.choices)
            yield Static(keys + " · Esc " + tr("cancel", self.app_lang), id="keys", markup=False)

    @property
    def app_lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def on_key(self, event: Any) -> None:
        for key, name, _ in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(name)
                return

    def action_choose(self, name: str | None) -> None:
        self.dismiss(name)
