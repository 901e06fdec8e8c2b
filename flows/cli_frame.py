"""The command line's own frame in Bahasa Indonesia: usage line, panel titles, the help option, type
names and Click's error messages ("Usage" -> "Penggunaan", "Missing option" -> "Opsi … wajib diisi").

Typer ships its own copy of Click whose words are plain English strings (no gettext catalog to
install), so the frame is translated where it is made: the usage line, the help option, each
parameter's type, the panel titles and every ClickException's message. The words are data:
flows/cli_messages.csv, `teks` rows (exact strings) and `pola` rows (regular expressions, applied in
order). A flag shows no type (`--debug`, not `--debug <bool>`).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache, wraps
from pathlib import Path

CATALOG = Path(__file__).resolve().parent / "cli_messages.csv"


@lru_cache(maxsize=1)
def catalog() -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    words, patterns = {}, []
    with open(CATALOG, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["jenis"] == "teks":
                words[row["inggris"]] = row["indonesia"] or ""
            else:
                patterns.append((re.compile(row["inggris"]), row["indonesia"]))
    return words, patterns


def say(text: str) -> str:
    """An English string of the frame in Indonesian: an exact `teks` row, else every matching `pola`."""
    words, patterns = catalog()
    if text in words:
        return words[text]
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


class _Default(str):
    """rich_utils' '[default: {}]' that also says a boolean default in words ('[bawaan: tidak]')."""

    def format(self, *args, **kwargs):
        return str.format(self, *(say(str(a)) if str(a) in ("True", "False") else a for a in args), **kwargs)


def install() -> None:
    """Translate Typer's frame, once per process (before the first command is built or run)."""
    from typer import _click, core, rich_utils

    if getattr(rich_utils, "_pantau_indonesia", False):
        return
    rich_utils._pantau_indonesia = True
    for name in (
        "DEPRECATED_STRING",
        "ENVVAR_STRING",
        "REQUIRED_LONG_STRING",
        "ARGUMENTS_PANEL_TITLE",
        "OPTIONS_PANEL_TITLE",
        "COMMANDS_PANEL_TITLE",
        "ERRORS_PANEL_TITLE",
        "ABORTED_TEXT",
        "RICH_HELP",
    ):
        setattr(rich_utils, name, say(getattr(rich_utils, name)))
    rich_utils.DEFAULT_STRING = _Default(say(rich_utils.DEFAULT_STRING))
    core._ = say  # typer.core's own few words ("Aborted!", "Missing command.")

    write_usage = _click.formatting.HelpFormatter.write_usage

    @wraps(write_usage)
    def usage(self, prog, args="", prefix=None):
        args = args.replace("[OPTIONS]", say("[OPTIONS]")).replace("COMMAND [ARGS]...", say("COMMAND [ARGS]..."))
        return write_usage(self, prog, args, say("Usage: ") if prefix is None else prefix)

    _click.formatting.HelpFormatter.write_usage = usage

    get_help_option = _click.core.Command.get_help_option

    @wraps(get_help_option)
    def help_option(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None and option.help:
            option.help = say(option.help)
        return option

    _click.core.Command.get_help_option = help_option

    for cls in (core.TyperOption, core.TyperArgument):
        shown = cls.display_type_rich

        def display_type_rich(self, ctx, _shown=shown):
            if getattr(self, "is_flag", False):
                return None
            text = _shown(self, ctx)
            return say(text) if text else text

        cls.display_type_rich = display_type_rich

    # every class on the way from Typer's base exception that writes a message of its own
    base = next(c for c in _click.exceptions.ClickException.__mro__ if "format_message" in c.__dict__)
    for cls in (base, *_subclasses(base)):
        if "format_message" in cls.__dict__:
            original = cls.__dict__["format_message"]

            def format_message(self, _original=original):
                return say(_original(self))

            cls.format_message = format_message


def _subclasses(cls) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out
