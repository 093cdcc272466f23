"""The `dlearn` command: opens the app, or runs one of its subcommands headless.

Keep this module light: `dlearn --help` must not import torch or textual.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui import __version__, labargs
from tui.settings import default_data_dir, default_lang

EXIT_OK = 0
EXIT_ERROR = 1  # the command ran and found a problem (e.g. content check failed)
EXIT_USAGE = 2  # bad arguments; argparse uses 2 as well


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlearn",
        description=(
            "A terminal study companion for 'Deep Learning (2)': notes, spaced-repetition "
            "review, a mock exam, and PyTorch labs. Without a subcommand, opens the app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"dlearn {__version__}")
    parser.add_argument(
        "--lang",
        choices=("ko", "en"),
        default=None,
        help="interface language (default: from the locale; switch in the app with Ctrl+L)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where progress and runs are kept (default: $DLEARN_DATA_DIR or the user data dir)",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=None,
        metavar="DIR",
        help="use the lecture folders in DIR instead of the bundled course",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("review", help="open the app on a review session of due and new questions")
    exam = sub.add_parser("exam", help="open the app on a timed mock exam")
    exam.add_argument(
        "-n", "--questions", type=int, default=25, help="number of questions (default 25)"
    )
    exam.add_argument(
        "--minutes", type=int, default=None, help="time limit (default: 1.5 minutes a question)"
    )
    sub.add_parser("notes", help="open the app on the lecture notes")
    sub.add_parser("progress", help="open the app on the progress screen")
    content = sub.add_parser("content", help="work with question banks")
    content_sub = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = content_sub.add_parser("check", help="validate lecture folders and question banks")
    check.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=None,
        help="a lecture folder, a folder of lectures, or one .toml file (default: the bundled course)",
    )
    labargs.register(sub)
    labargs.register_exercise(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = args.lang or default_lang()
    data_dir = args.data_dir or default_data_dir()

    if args.command == "content":
        from tui.contentcli import run_check

        return run_check(args.path or args.content, lang=lang)
    if args.command in ("lab", "runs", "exercise"):
        import importlib

        module, name = args.handler.split(":")
        handler = getattr(importlib.import_module(f"tui.commands.{module}"), name)
        return int(handler(args, data_dir=data_dir, lang=lang))

    if args.command == "exam" and args.questions < 1:
        parser.error(f"--questions must be at least 1, got {args.questions}")

    from tui.app import create_app

    app = create_app(
        lang=args.lang,  # None: the language saved with Ctrl+L last time, else the locale's
        data_dir=data_dir,
        content_dir=args.content,
        start=args.command or "home",
        exam_questions=getattr(args, "questions", 25),
        exam_minutes=getattr(args, "minutes", None),
    )
    app.run()
    return int(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main())
