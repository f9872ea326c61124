"""Page geometry of the PDF reader: characters and ruling lines with boxes → Blocks.

`page_blocks(pages)` turns what the reader took from each page (`PageContent`: characters and
ruling edges in pdfplumber's terms, points from the page's top-left corner) into the
Document's blocks: ruled tables (pdfplumber's "lines" strategy on the edges) give one `row`
Block per table row, the text outside the tables one `paragraph` Block per line, top to bottom.

A cell's text is joined as the DOCX reader gives it: lines wrapped by the layout are joined again
(nothing between CJK characters) and only paragraph ends stay "\\n" (see `_unwrap`). A table that
runs onto the next page continues there in rows whose label cells are "". Where the page break
cut a paragraph of a cell in two (…急难救 | 助”…: the last line before the break is full and has
no full stop, the first after it is not indented), the rest of that paragraph joins the row
before the break, so the paragraph is whole in one cell; the paragraphs after it stay in the
row of their own page (`_continues`, `_joined`).

Characters become lines in `nianbao.extract.pdf_lines`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, cast

from pdfplumber.page import Page
from pdfplumber.table import (
    Table,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    merge_edges,
)
from pdfplumber.utils.geometry import filter_edges

from nianbao.extract.pdf_lines import (
    BBox,
    Char,
    Line,
    dedupe,
    first_word_width,
    is_cjk,
    rounded,
    text_lines,
)
from nianbao.model import Block

TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


_EDGE = 1.0  # points: how far apart two ruling positions may be and still be the same line
_CELL_PADDING = 6.0  # points: Word's default cell margin is 5.4, LibreOffice's 2.8


@dataclass(frozen=True)
class PageContent:
    """One page as the reader took it: characters and ruling edges in pdfplumber's terms
    (points from the page's top-left corner)."""

    number: int
    chars: list[Char]
    edges: list[dict[str, Any]]


@dataclass(frozen=True)
class _Item:
    """A row or a line before it gets its index: sorted by where it sits on the page. For a row,
    per cell: `full` if its last line runs to the cell's right text edge (the text may go on
    past a page break), `indented` if its first line is indented (a paragraph starts there)."""

    kind: str
    text: str
    cells: tuple[str, ...]
    bbox: BBox
    spans: tuple[int, ...] = ()  # grid columns each cell covers, when one covers several
    full: tuple[bool, ...] = ()
    indented: tuple[bool, ...] = ()


def page_blocks(pages: list[PageContent]) -> list[Block]:
    blocks: list[Block] = []
    last: _Item | None = None  # the previous page's last item
    for page in pages:
        if page.number > 1:
            blocks.append(Block(kind="page_break", text="", page=page.number, index=len(blocks)))
        items = _page_items(page)
        if last is not None and items and _continues(last, items[0]):
            last, rest = _joined(last, items[0])
            at = next(i for i in range(len(blocks) - 1, -1, -1) if blocks[i].kind == "row")
            old = blocks[at]
            blocks[at] = Block(kind="row", text=last.text, cells=last.cells, page=old.page,
                               index=old.index, bbox=old.bbox, spans=old.spans)
            items = ([rest] if rest is not None else []) + items[1:]
        if items:
            last = items[-1]
        for item in items:
            blocks.append(
                Block(
                    kind="row" if item.kind == "row" else "paragraph",
                    text=item.text,
                    cells=item.cells,
                    page=page.number,
                    index=len(blocks),
                    bbox=item.bbox,
                    spans=item.spans,
                )
            )
    return blocks


def _continues(before: _Item, after: _Item) -> bool:
    """Is `after`, the first row of a page, the rest of `before`, the last row of the page
    before, split by the page break? So it is when both are rows of the same width and as many
    cells, `after` leaves a cell empty (the label is not repeated) and fills none that is empty
    in `before`, and in at least one cell the text runs on: `before`'s last line in it
    is full, ends with no full stop, and `after`'s first line in it is not indented."""
    if before.kind != "row" or after.kind != "row" or len(before.cells) != len(after.cells):
        return False
    if abs(before.bbox[0] - after.bbox[0]) > 2 * _EDGE or (
            abs(before.bbox[2] - after.bbox[2]) > 2 * _EDGE):
        return False
    runs_on = unlabelled = False
    for j, (head, tail) in enumerate(zip(before.cells, after.cells, strict=True)):
        if not tail:
            unlabelled = True
            continue
        if not head:
            return False
        if before.full[j] and not after.indented[j] and head[-1] not in _SENTENCE_END:
            runs_on = True
    return runs_on and unlabelled


_SENTENCE_END = set("。！？；：!?;:")


def _joined(before: _Item, after: _Item) -> tuple[_Item, _Item | None]:
    """`before` with the paragraph that runs on in each cell of `after` appended (with nothing
    between, a space between two words), and what is left of `after` (None if nothing): the
    paragraphs after the first stay on their own page."""
    heads: list[str] = []
    rests: list[str] = []
    full: list[bool] = []
    for j, (head, tail) in enumerate(zip(before.cells, after.cells, strict=True)):
        if tail and before.full[j] and not after.indented[j] and head[-1] not in _SENTENCE_END:
            first, _, rest = tail.partition("\n")
            space = not (is_cjk(head[-1]) or is_cjk(first[0]))
            heads.append(head + (" " if space else "") + first)
            rests.append(rest)
            full.append(after.full[j] and not rest)
        else:
            heads.append(head)
            rests.append(tail)
            full.append(before.full[j])
    joined = _Item("row", "\t".join(heads), tuple(heads), before.bbox, before.spans,
                   tuple(full), before.indented)
    if not any(rests):
        return joined, None
    return joined, _Item("row", "\t".join(rests), tuple(rests), after.bbox, after.spans,
                         after.full, tuple(True for _ in rests))


def _page_items(page: PageContent) -> list[_Item]:
    tables = [t for t in _find_tables(page.edges) if len(t.cells) > 1]
    chars = dedupe(page.chars)  # fake bold draws each character twice
    items: list[_Item] = []
    outside = chars
    for table in tables:
        left, top, right, bottom = table.bbox  # a property that walks every cell: once a table
        inside: list[Char] = []
        rest: list[Char] = []
        for char in outside:  # is the character's midpoint in the table? (for every character)
            mx = (char["x0"] + char["x1"]) / 2
            my = (char["top"] + char["bottom"]) / 2
            (inside if left <= mx < right and top <= my < bottom else rest).append(char)
        outside = rest
        items.extend(_table_rows(table, inside))
    for line in text_lines(outside):
        items.append(_Item("paragraph", line.text, (), line.bbox))
    items.sort(key=lambda item: (round(item.bbox[1], 1), item.bbox[0]))
    return items


def _find_tables(edges: list[dict[str, Any]]) -> list[Table]:
    """Ruled tables from the page's edges: pdfplumber's "lines" strategy, step by step."""
    if not edges:
        return []
    settings = TableSettings.resolve(TABLE_SETTINGS)
    kept = filter_edges(edges, min_length=settings.edge_min_length_prefilter)
    merged = merge_edges(kept, settings.snap_x_tolerance, settings.snap_y_tolerance,
                         settings.join_x_tolerance, settings.join_y_tolerance)
    merged = filter_edges(merged, min_length=settings.edge_min_length)
    points = edges_to_intersections(merged, settings.intersection_x_tolerance,
                                    settings.intersection_y_tolerance)
    cells = _intersections_to_cells(points)
    return [Table(cast(Page, None), group) for group in cells_to_tables(cells)]


def _intersections_to_cells(points: dict[tuple[float, float], dict[str, Any]]) -> list[BBox]:
    """pdfplumber's `intersections_to_cells` (the same cells in the same order), without its
    cost: it rebuilds the sets of edges of two points for every pair it tests and scans all the
    later points for each point; here each point's edges are made sets once and the points
    below and to the right of a point are looked up by column and row."""
    def key(edge: dict[str, Any]) -> BBox:
        return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])

    vertical = {p: {key(e) for e in edges["v"]} for p, edges in points.items()}
    horizontal = {p: {key(e) for e in edges["h"]} for p, edges in points.items()}
    ordered = sorted(points)
    by_row: dict[float, list[tuple[float, float]]] = {}
    by_column: dict[float, list[tuple[float, float]]] = {}
    for point in ordered:
        by_row.setdefault(point[1], []).append(point)
        by_column.setdefault(point[0], []).append(point)

    def connects(p1: tuple[float, float], p2: tuple[float, float]) -> bool:
        if p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2]):
            return True
        return p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2])

    cells: list[BBox] = []
    for point in ordered:
        below = [p for p in by_column[point[0]] if p > point]
        right = [p for p in by_row[point[1]] if p > point]
        cell = _smallest_cell(point, below, right, points, connects)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point: tuple[float, float], below: list[tuple[float, float]],
                   right: list[tuple[float, float]], points: dict[tuple[float, float], Any],
                   connects: Callable[[tuple[float, float], tuple[float, float]], bool],
                   ) -> BBox | None:
    for below_pt in below:
        if not connects(point, below_pt):
            continue
        for right_pt in right:
            if not connects(point, right_pt):
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in points and connects(corner, right_pt) and connects(corner, below_pt):
                return (point[0], point[1], corner[0], corner[1])
    return None


def _table_rows(table: Table, chars: list[Char]) -> list[_Item]:
    """One item per table row. A cell spanning columns appears once; a cell spanning rows gives
    its text to its first row and "" to the rows below, so the columns stay where they are."""
    grid = _Grid(table.cells)
    texts = _cell_texts(grid, chars)
    items: list[_Item] = []
    for row in table.rows:
        present = [c for c in row.cells if c is not None]
        top = min(c[1] for c in present)
        i = bisect_right(grid.tops, top + _EDGE) - 1
        values: list[str] = []
        spans: list[int] = []  # grid columns each value covers
        full: list[bool] = []
        indented: list[bool] = []
        last_cover: BBox | None = None
        for j, cell in enumerate(row.cells):
            if cell is not None:
                text, ends_full, starts_indented = texts[cell]
                values.append(text)
                spans.append(1)
                full.append(ends_full)
                indented.append(starts_indented)
                last_cover = None
                continue
            cover = grid.slots.get((i, j))
            if cover is not None and abs(cover[1] - top) <= _EDGE:
                spans[-1] += 1 if spans else 0  # a cell of this row spanning columns: once
                continue
            if cover is None or cover != last_cover:
                values.append("")  # under a cell spanning rows: one "" however wide it is
                spans.append(1)
                full.append(False)
                indented.append(False)
            else:
                spans[-1] += 1
            last_cover = cover
        if any(values):
            x0, x1 = min(c[0] for c in present), max(c[2] for c in present)
            bottom = max(c[3] for c in present)
            bbox = rounded((x0, top, x1, bottom))
            wide = tuple(spans) if any(n > 1 for n in spans) else ()
            items.append(_Item("row", "\t".join(values), tuple(values), bbox, wide, tuple(full),
                               tuple(indented)))
    return items


class _Grid:
    """A table's cells on the grid of their left edges and tops: `slots[(i, j)]` is the cell
    covering the i-th top and the j-th left edge, whichever row or column it starts in."""

    def __init__(self, cells: Sequence[BBox]) -> None:
        self.xs = sorted({c[0] for c in cells})  # the same columns as pdfplumber's Table.rows
        self.tops = sorted({c[1] for c in cells})
        self.slots: dict[tuple[int, int], BBox] = {}
        for cell in cells:
            rows = range(
                bisect_left(self.tops, cell[1] - _EDGE), bisect_left(self.tops, cell[3] - _EDGE)
            )
            columns = range(
                bisect_left(self.xs, cell[0] - _EDGE), bisect_left(self.xs, cell[2] - _EDGE)
            )
            for i in rows:
                for j in columns:
                    self.slots.setdefault((i, j), cell)


def _cell_texts(grid: _Grid, chars: Iterable[Char]) -> dict[BBox, tuple[str, bool, bool]]:
    """Each cell's text, from the characters whose midpoint lies in it, and whether its last
    line is full and its first line indented (`_Item`)."""
    members: dict[BBox, list[Char]] = {cell: [] for cell in grid.slots.values()}
    tops, xs, slots = grid.tops, grid.xs, grid.slots
    for char in chars:  # the cell the character's midpoint falls in, if any
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        cell = slots.get((bisect_right(tops, y) - 1, bisect_right(xs, x) - 1))
        if cell is not None and cell[0] <= x < cell[2] and cell[1] <= y < cell[3]:
            members[cell].append(char)
    out: dict[BBox, tuple[str, bool, bool]] = {}
    for cell, own in members.items():
        lines = text_lines(own)
        out[cell] = (_unwrap(cell, lines), *_edges_of(cell, lines))
    return out


def _edges_of(cell: BBox, lines: list[Line]) -> tuple[bool, bool]:
    """(the last line ends within one character of the cell's right text edge, the first line
    starts indented by a character or more), as `_unwrap` judges them."""
    if not lines:
        return False, False
    size = max(line.bbox[3] - line.bbox[1] for line in lines)
    widest = max(line.bbox[2] for line in lines)
    right = max(widest, cell[2] - _CELL_PADDING) if len(lines) < 2 else widest
    left = min(line.bbox[0] for line in lines) if len(lines) > 1 else cell[0] + _CELL_PADDING
    last = lines[-1].bbox
    full = (widest >= cell[2] - _CELL_PADDING - 3 * size and last[2] >= right - size
            and last[0] <= left + 0.9 * size)  # not a line set to the right (年 月 日)
    x0, _, x1, _ = lines[0].bbox
    centred = abs((x0 - cell[0]) - (cell[2] - x1)) < size / 2
    return full, x0 > left + 0.9 * size and not centred


def _unwrap(cell: BBox, lines: list[Line]) -> str:
    """A cell's lines joined as the DOCX reader would give the cell: "\\n" between paragraphs,
    nothing where a line was wrapped between CJK characters, a space where it was wrapped between
    words.

    The cell's right text edge is where its widest line ends, if that is near the cell's border
    (else no line in the cell was wrapped). A line was wrapped if the next line's first word would
    not have fitted between its end and that edge; the next line starts a paragraph if the word
    would have fitted, or if it is indented (and not merely centred)."""
    if len(lines) < 2:
        return "".join(line.text for line in lines)
    size = max(line.bbox[3] - line.bbox[1] for line in lines)
    widest = max(line.bbox[2] for line in lines)
    wraps = widest >= cell[2] - _CELL_PADDING - 3 * size
    left = min(line.bbox[0] for line in lines)
    out = lines[0].text
    for previous, line in pairwise(lines):
        x0, _, x1, _ = line.bbox
        centred = abs((x0 - cell[0]) - (cell[2] - x1)) < size / 2
        indented = x0 > left + 0.9 * size and not centred
        fits = first_word_width(line.chars) + size / 4 < widest - previous.bbox[2]
        if not wraps or indented or fits:
            out += "\n"
        elif not (is_cjk(previous.text[-1]) or is_cjk(line.text[0])):
            out += " "
        out += line.text
    return out
