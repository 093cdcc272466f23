"""One exercise as data: what to write, the lecture's formula, hints and the starter file.

Torch-free: the grader's checks (`check_*.py`, run only in the grading child) and the
reference solutions (`solutions/<id>.py`) hold the torch code. The nine exercises are in
`tasks_recurrent.py` and `tasks_attention.py`, gathered in order by `tasks.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.text import Text


@dataclass(frozen=True)
class Exercise:
    """One building block of the lecture the student writes, graded against PyTorch."""

    id: str
    entry: str  # the top-level function or class the file must define
    title: Text
    section: str  # the lecture15 section it belongs to (content/lectures/lecture15)
    statement: Text  # the task in words, with the shapes
    formula: str  # the lecture's formula, in plain unicode
    hints: tuple[Text, ...]  # revealed one at a time
    stub: str  # the entry's signature and body in the starter, `{doc}` for its docstring
    doc: Text  # the entry's docstring in the starter
    lab: str | None = None  # the lab that can train a passed implementation (impl=mine)

    def starter(self, lang: str) -> str:
        """The starter file: a header, the imports, the entry raising NotImplementedError."""
        head = (
            f'"""{self.title.get(lang)} (dlearn exercise `{self.id}`)\n\n'
            f"{self.statement.get(lang)}\n\n"
            + _indent_block(self.formula)
            + "\n\n"
            + CHECK_LINE.get(lang).format(id=self.id)
            + '\n"""\n\n'
        )
        imports = "import torch\nfrom torch import Tensor, nn\n\n\n"
        doc = self.doc.get(lang).replace("\n", "\n    ")
        return head + imports + self.stub.format(doc=doc) + "\n"


CHECK_LINE = Text(
    en="Grade it with: dlearn exercise check {id}",
    ko="채점하려면: dlearn exercise check {id}",
)


def _indent_block(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


NOT_YET = "    raise NotImplementedError  # "
