"""How the command line prints tables and progress: readable in a terminal, intact in a pipe.

In a terminal, tables are drawn with rich, ids never wrapped. Piped or redirected, a table is
printed plain (no box, no colour, no width limit), so ``canus sources | grep …`` sees whole ids
rather than ``air-quality-agreeme…`` or ``bts-borde│r-crossin│gs``; ``--format csv|json`` is
there for programs.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import DownloadColumn, Task
from rich.table import Table
from rich.text import Text


def print_table(console: Console, table: Table, ids: int = 1) -> None:
    """Print ``table``; its first ``ids`` columns (identifiers) are never wrapped nor cut."""
    for col in table.columns[:ids]:
        col.no_wrap = True
        col.overflow = "ignore"
    if console.is_terminal:
        console.print(table)
        return
    for line in plain_lines(table):
        console.file.write(line + "\n")


def _plain(cell: object) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return Text.from_markup(str(cell)).plain if isinstance(cell, str) else str(cell)


def plain_lines(table: Table) -> list[str]:
    """The table as aligned plain text: whole cells, numbers right-aligned, no box, no colour."""
    cols = [[_plain(c) for c in col.cells] for col in table.columns]
    heads = [_plain(col.header) for col in table.columns]
    widths = [max([len(h), *(len(c) for c in cells)]) for h, cells in zip(heads, cols, strict=True)]

    def row(cells: list[str]) -> str:
        out = []
        for col, cell, w in zip(table.columns, cells, widths, strict=True):
            out.append(cell.rjust(w) if col.justify == "right" else cell.ljust(w))
        return "  ".join(out).rstrip()

    lines = [_plain(table.title)] if table.title else []
    lines.append(row(heads))
    lines += [row([c[i] for c in cols]) for i in range(table.row_count)]
    return lines


class FailedAwareDownloadColumn(DownloadColumn):
    """Bytes downloaded, or "failed" once the source has failed (no bar left at "0/? bytes")."""

    def render(self, task: Task) -> Text:
        if task.fields.get("failed"):
            return Text("✗", style="red")
        return super().render(task)
