"""Notes: the lecture's sections by part, the glossary and the summary points.

A table of contents (a Tree) on the left, one page of Markdown on the right. Moving in the
contents shows that page; `[` / `]` step through the sections in reading order; Tab moves
between contents and text; `t` hides the contents to give the text the full 80 columns.
The screen can open at a section, which is how review feedback shows "the relevant note".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Markdown, Tree
from textual.widgets.tree import TreeNode

from content.model import Lecture
from tui.i18n import tr
from tui.keys import jamo
from tui.widgets.footer import LocalFooter
from tui.widgets.rows import fit

if TYPE_CHECKING:
    from tui.app import DlearnApp

Page = tuple[str, str]  # (kind, id): ("part", "cnn"), ("section", "lstm"), ("glossary", "")


def page_markdown(lecture: Lecture, page: Page, lang: str) -> str:
    """The Markdown for one page of the notes."""
    kind, ident = page
    if kind == "section":
        section = lecture.section(ident)
        if section is None:
            return ""
        out = [f"# {section.title.get(lang)}", "", section.notes.get(lang).strip(), ""]
        points = [p for p in lecture.summary_points if ident in p.sections]
        if points:
            out += [f"## {tr('summary', lang)}", ""]
            out += [f"- {p.text.get(lang)}" for p in points]
            out.append("")
        if section.lab:
            out += [tr("lab_link", lang, lab=section.lab), ""]
        return "\n".join(out)
    if kind == "part":
        part = next((p for p in lecture.parts if p.id == ident), None)
        title = part.title.get(lang) if part else ident
        out = [f"# {title}", "", f"{tr('sections_of_part', lang)}:", ""]
        out += [f"- {s.title.get(lang)}" for s in lecture.sections if s.part == ident]
        return "\n".join(out)
    if kind == "glossary":
        out = [f"# {tr('glossary', lang)}", ""]
        for term in lecture.glossary:
            first, second = (term.ko, term.en) if lang == "ko" else (term.en, term.ko)
            line = f"- **{first}** ↔ **{second}**: {term.definition.get(lang)}"
            if term.synonyms:  # the bank writes the term; these are the words it replaced
                line += f" *({tr('glossary_synonyms', lang)}: {', '.join(term.synonyms)})*"
            out.append(line)
        return "\n".join(out)
    out = [f"# {tr('summary', lang)}", ""]
    for i, point in enumerate(lecture.summary_points, start=1):
        titles = [s.title.get(lang) for s in lecture.sections if s.id in point.sections]
        where = f" *({', '.join(titles)})*" if titles else ""
        out.append(f"{i}. {point.text.get(lang)}{where}")
    return "\n".join(out)


class NotesScreen(Screen[None]):
    """Read the notes; Esc goes back to where the learner came from."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("left_square_bracket", "step(-1)", "prev_section", key_display="["),
        Binding("right_square_bracket", "step(1)", "next_section", key_display="]"),
        Binding(jamo("t"), "toggle_toc", "toggle_toc"),
        Binding(jamo("g"), "show('glossary')", "glossary"),
        Binding(jamo("s"), "show('summary')", "summary"),
    ]

    lang: reactive[str] = reactive("en")
    """Language of the contents and the page; set by `tui.i18n.relabel`."""
    page: reactive[Page] = reactive(("section", ""), init=False)
    """The page on show."""

    app: DlearnApp  # type: ignore[assignment]

    def __init__(self, section: str | None = None) -> None:
        super().__init__()
        self.start_section = section
        self.nodes: dict[Page, TreeNode[Page]] = {}

    def compose(self) -> ComposeResult:
        self.set_reactive(NotesScreen.lang, self.app.lang)
        yield Header(icon="≡")
        with Horizontal():
            toc: Tree[Page] = Tree("toc", id="toc")
            toc.show_root = False
            toc.auto_expand = False
            toc.guide_depth = 2
            yield toc
            with VerticalScroll(id="page"):
                yield Markdown(id="note", open_links=False)
        yield LocalFooter()

    def on_mount(self) -> None:
        self._build_toc()
        lecture = self.app.course
        first = lecture.sections[0].id if lecture.sections else ""
        start = self.start_section or ""
        section = start if lecture.section(start) else first
        # "glossary" and "summary" open those pages (the palette's glossary entry)
        self.page = (start, "") if start in ("glossary", "summary") else ("section", section)
        self.call_after_refresh(self.go, self.page)  # the tree lays out its lines on refresh
        self.call_after_refresh(self._relabel_toc)  # labels fitted to the laid-out width
        self.query_one("#toc", Tree).focus()

    def _build_toc(self) -> None:
        lecture, lang = self.app.course, self.lang
        toc: Tree[Page] = self.query_one("#toc", Tree)
        for part in lecture.parts:
            node = toc.root.add(Text(part.title.get(lang), style="bold"), data=("part", part.id))
            node.expand()
            self.nodes[("part", part.id)] = node
            for section in (s for s in lecture.sections if s.part == part.id):
                page = ("section", section.id)
                self.nodes[page] = node.add_leaf(Text(section.title.get(lang)), data=page)
        for kind in ("glossary", "summary"):
            self.nodes[(kind, "")] = toc.root.add_leaf(Text(tr(kind, lang)), data=(kind, ""))

    def go(self, page: Page) -> None:
        """Show `page` and put the contents' cursor on it."""
        node = self.nodes.get(page)
        toc = self.query_one("#toc", Tree)
        if node is not None and toc.cursor_node is not node:
            toc.move_cursor(node)
        self.page = page

    def watch_page(self) -> None:
        self.sub_title = tr("notes_title", self.lang)
        markdown = page_markdown(self.app.course, self.page, self.lang)
        self.query_one("#note", Markdown).update(markdown)
        self.query_one("#page", VerticalScroll).scroll_home(animate=False)

    def watch_lang(self) -> None:
        if self.is_mounted:
            self._relabel_toc()
            self.watch_page()

    def _relabel_toc(self) -> None:
        """New labels in place (rebuilding the tree would move its cursor)."""
        lecture, lang = self.app.course, self.lang
        titles = {("part", p.id): p.title for p in lecture.parts}
        titles.update({("section", s.id): s.title for s in lecture.sections})
        for page, node in self.nodes.items():
            if page in titles:
                words = self._fit_label(titles[page].get(lang), page[0])
                label = Text(words, style="bold" if page[0] == "part" else "")
            else:
                label = Text(self._fit_label(tr(page[0], lang), page[0]))
            node.set_label(label)

    def _fit_label(self, title: str, kind: str) -> str:
        """`title` cut with "…" to the contents' width (Korean syllables are two cells; the
        tree itself crops a label mid-syllable without saying so)."""
        width = self.query_one("#toc", Tree).scrollable_content_region.width
        if width <= 0:
            return title
        indent = 2 if kind in ("part", "section") else 0  # "▼ " or the "├ " guide
        return fit(title, width - indent).rstrip()

    @on(Tree.NodeHighlighted, "#toc")
    def _highlighted(self, event: Tree.NodeHighlighted[Page]) -> None:
        if event.node.data is not None and event.node.data != self.page:
            self.page = event.node.data

    @on(Tree.NodeSelected, "#toc")
    def _selected(self, event: Tree.NodeSelected[Page]) -> None:
        self.query_one("#page", VerticalScroll).focus()

    def action_step(self, step: int) -> None:
        sections = [s.id for s in self.app.course.sections]
        parts = [s.part for s in self.app.course.sections]
        kind, ident = self.page
        if not sections:
            return
        if kind == "section" and ident in sections:
            index = sections.index(ident) + step
        elif kind == "part" and ident in parts:  # a part page sits just before its first section
            index = parts.index(ident) + (0 if step > 0 else -1)
        else:
            index = 0 if step > 0 else len(sections) - 1
        index = min(max(index, 0), len(sections) - 1)
        self.go(("section", sections[index]))

    def action_show(self, kind: str) -> None:
        self.go((kind, ""))

    def action_toggle_toc(self) -> None:
        toc = self.query_one("#toc", Tree)
        toc.display = not toc.display
        if not toc.display:
            self.query_one("#page", VerticalScroll).focus()
