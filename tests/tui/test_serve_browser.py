"""`dlearn serve` in a real browser: Debian's Chromium, driven by Playwright.

The browser is the system's (`executable_path`): nothing is downloaded. Without Chromium or
Playwright the tests are skipped and say why, except where DLEARN_REQUIRE_BROWSER=1 (CI sets
it in .ci/run), where that is a failure. The page's terminal is read two ways: its text from
xterm's buffer (what the page was sent), and its pixels from a screenshot (what a person sees:
Hangul must be drawn as letters, not as the empty box of a font without them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.tui.conftest import write_course
from tests.tui.test_serve import serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("DLEARN_REQUIRE_BROWSER") == "1"
WAIT_MS = 60_000  # a loaded 2-core machine; each wait ends as soon as its condition holds

# the terminal's lines as text (a wide character's second cell left out)
SCREEN_JS = """() => {
  const t = window.dlearnTerminals && window.dlearnTerminals[0];
  if (!t) return "";
  const b = t.terminal.buffer.active, out = [];
  for (let y = 0; y < b.length; y++) out.push(b.getLine(y).translateToString(true));
  return out.join("\\n");
}"""

# where `word` is drawn, lowest row first: its row and each character's cell column, and the
# size of a cell in CSS pixels
WHERE_JS = """(word) => {
  const t = window.dlearnTerminals[0].terminal, b = t.buffer.active;
  const box = t.element.querySelector(".xterm-screen").getBoundingClientRect();
  for (let y = b.length - 1; y >= 0; y--) {
    const line = b.getLine(y);
    let text = "", cols = [];
    for (let x = 0; x < line.length; x++) {
      const cell = line.getCell(x);
      if (cell.getWidth() === 0) continue;
      text += cell.getChars() || " ";
      cols.push(x);
    }
    const i = text.indexOf(word);
    if (i >= 0) return {
      row: y - b.viewportY, cols: [...word].map((_, k) => cols[i + k]),
      left: box.left, top: box.top, cell_w: box.width / t.cols, cell_h: box.height / t.rows,
    };
  }
  return null;
}"""


def _browser_problem() -> str | None:
    if CHROMIUM is None:
        return "no Chromium on PATH (on Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    try:
        import PIL  # noqa: F401
    except ImportError:
        return "Pillow is not installed (pip install -e '.[test]')"
    return None


def _browser_env() -> dict[str, str]:
    """The browser's environment; DLEARN_TEST_FONTCONFIG (a fontconfig file) narrows its
    fonts, to see the Hangul check fail where no font has Hangul."""
    env = dict(os.environ)
    if os.environ.get("DLEARN_TEST_FONTCONFIG"):
        env["FONTCONFIG_FILE"] = os.environ["DLEARN_TEST_FONTCONFIG"]
    return env


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    problem = _browser_problem()
    if problem is not None:
        if REQUIRED:
            pytest.fail(f"DLEARN_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], env=_browser_env()
        )
        yield chromium
        chromium.close()


def wait_screen(page: Any, *words: str) -> str:
    """Wait until the terminal shows every one of `words`; the screen's text."""
    page.wait_for_function(
        "([js, words]) => { const s = eval(js)(); return words.every(w => s.includes(w)); }",
        arg=[SCREEN_JS, list(words)],
        timeout=WAIT_MS,
    )
    # the terminal paints on the next animation frame: let two go by before a screenshot
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return str(page.evaluate(SCREEN_JS))


def image(png: bytes) -> Any:
    from PIL import Image

    return Image.open(BytesIO(png)).convert("RGB")


def pixels(picture: Any) -> np.ndarray:
    """(pixels, 3) ints."""
    return np.asarray(picture, dtype=np.int32).reshape(-1, 3)


def ink(crop: Any) -> int:
    """Pixels in `crop` that differ clearly from its most common colour (the background)."""
    values = pixels(crop)
    colours, counts = np.unique(values, axis=0, return_counts=True)
    background = colours[counts.argmax()]
    return int((np.abs(values - background).sum(axis=1) > 120).sum())


def glyph_crops(page: Any, shot: Any, word: str) -> list[Any]:
    """Each character of `word`, cut from the screenshot at its cells (two for Hangul)."""
    where = page.evaluate(WHERE_JS, word)
    assert where is not None, f"{word!r} is not on the screen"
    crops = []
    for col in where["cols"]:
        left = where["left"] + col * where["cell_w"]
        top = where["top"] + where["row"] * where["cell_h"]
        box = (left, top, left + 2 * where["cell_w"], top + where["cell_h"])
        crops.append(shot.crop(tuple(round(v) for v in box)))
    return crops


@pytest.mark.parametrize(
    ("lang", "home", "footer_word", "question"),
    [
        ("en", "Due 0 · New 1", "한국어", "F(x) and x may have different shapes."),
        ("ko", "새 문항 1", "복습", "F(x)와 x는 모양이 달라도 된다."),
    ],
    ids=["en", "ko"],
)
def test_the_page_draws_the_app_and_its_hangul_and_answers_keys(
    browser: Any, tmp_path: Path, lang: str, home: str, footer_word: str, question: str
) -> None:
    course = write_course(tmp_path / "course", only={"t-ox"})
    with serve(tmp_path, "--lang", lang, course=course) as served:
        page = browser.new_page(viewport={"width": 1000, "height": 640})
        outside: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith(served.url) else outside.append(r.url),
        )
        page.goto(served.url)
        wait_screen(page, home, "^p")  # ^p: the footer's last key, so the screen is whole
        page.evaluate("document.fonts.ready.then(() => true)")
        home_shot = image(page.screenshot())
        colours = np.unique(pixels(home_shot), axis=0)
        assert len(colours) > 8, "the screenshot is (nearly) one colour"

        crops = glyph_crops(page, home_shot, footer_word)
        home_shot.save(tmp_path / "home.png")  # kept by pytest for a look after a failure
        for n, crop in enumerate(crops):
            crop.save(tmp_path / f"glyph-{n}.png")
        for char, crop in zip(footer_word, crops, strict=True):
            assert ink(crop) > 15, f"{char!r} in the footer is drawn without ink"
        # a font without Hangul draws one and the same empty box for every syllable
        pictures = [crop.tobytes() for crop in crops]
        assert len(set(pictures)) == len(pictures), f"{footer_word!r} drawn as identical boxes"

        page.evaluate("window.dlearnTerminals[0].terminal.focus()")
        page.keyboard.press("r")
        wait_screen(page, question)
        review_shot = image(page.screenshot())
        changed = int((pixels(home_shot) != pixels(review_shot)).any(axis=1).sum())
        assert changed > home_shot.width * home_shot.height // 20, "the canvas hardly changed"
        assert outside == [], f"the page asked for something elsewhere: {outside}"
        page.close()
