"""Where command output goes and how it looks: colour, width, standard output or a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from concurrency_lint.cli.echo import echo
from concurrency_lint.cli.settings import fail
from concurrency_lint.report.escaping import encodable, printable


def wants_color(choice: str = "auto", to_file: bool = False) -> bool:
    """``--color always|never`` decides; ``auto``: off when ``NO_COLOR`` is set (non-empty),
    on when ``FORCE_COLOR`` is, else on a terminal only (never in a file)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return not to_file and sys.stdout.isatty()


def stdout_wants_color() -> bool:
    """Colour for standard output under ``--color auto``."""
    return wants_color("auto")


def output_width() -> int | None:
    """``COLUMNS`` when set (also when piped), else the terminal's width, else None."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        import shutil  # here: piped output never asks

        return shutil.get_terminal_size().columns
    return None


def emit(text: str, output_file: Path | None, color: bool = False) -> None:
    """Print ``text``, or write it to ``output_file`` atomically (an error there exits 2,
    and leaves any previous file as it was)."""
    if output_file is None:
        echo(encodable(text), nl=False, color=color)
        return
    try:
        write_atomically(output_file, text)
    except OSError as exc:
        fail(f"--output-file {printable(str(output_file))}: {exc.strerror or exc}")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to a temporary file beside ``path``, then rename it over."""
    import tempfile  # here: most runs write to standard output

    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="surrogateescape") as stream:
            stream.write(text)
        os.chmod(temporary, _new_file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_file_mode(path: Path) -> int:
    """The mode ``path`` has, or the one a new file gets under the current umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
