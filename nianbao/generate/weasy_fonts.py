"""WeasyPrint's fonts, kept for the life of the process instead of rebuilt for every PDF.

For every font of every document WeasyPrint (checked with version 70) builds a
`weasyprint.pdf.fonts.Font`: it copies the whole face into Python bytes (5–8 MB for a Fandol
face, 19–27 MB for a face of the Noto CJK collections) and reads its tables and metrics; when
the PDF is written, HarfBuzz subsets that face from scratch, parsing its CFF and cmap again.
For a run of forms that is the same work on the same faces every time.

`keep_fonts()` (once per process) makes WeasyPrint's PDF stream build its fonts through
`font()`: the first document to use a face at a size builds the `Font` as WeasyPrint does and
keeps it as a template (with a reference on its Pango font, so the HarfBuzz objects it points
to stay alive); later documents get a copy of it with fresh per-document state (glyph widths,
the Unicode map, missing glyphs), sharing the face's bytes and what HarfBuzz has parsed of
it. The face is subset in one pass instead of WeasyPrint's two, and the glyph list goes to
HarfBuzz as an open array: WeasyPrint declares an array of the list's exact length
(``hb_codepoint_t[347]``), a C type cffi has to parse anew for every length it has not seen,
~8 ms per face and form. The PDF bytes are the same as with WeasyPrint's own fonts.

(HarfBuzz's `hb_subset_preprocess` was tried too: on a kept face it saves another 1–2 ms per
subset but costs 0.2–0.4 s per Fandol face and 2 s for a Noto CJK face, once per process:
more than a batch of forms gains back.)
"""

from __future__ import annotations

import copy
import threading
from functools import cache
from typing import Any

from cffi import FFIError
from weasyprint.pdf import fonts as _pdf_fonts
from weasyprint.pdf import stream as _pdf_stream
from weasyprint.text.ffi import ffi, gobject, harfbuzz, harfbuzz_subset, pango
from weasyprint.text.fonts import get_hb_object_data

_LOCK = threading.Lock()
# (description hash without size, size, face) → the Font WeasyPrint built for it first.
_TEMPLATES: dict[tuple[int, float, int], Any] = {}
# face → its bytes (5–8 MB for a Fandol face), shared by the templates of that face.
_FACES: dict[int, bytes] = {}


def _address(pointer: Any) -> int:
    return int(ffi.cast("uintptr_t", pointer))


class KeptFont(_pdf_fonts.Font):  # type: ignore[misc]
    """WeasyPrint's Font, subset in one pass.

    WeasyPrint 70 subsets twice: the used glyphs with their ids kept, then that result again
    for the glyphs up to the last used one, without hinting. One pass with both flags gives
    the same bytes (compared on every form of the benchmark corpus) and, on a face kept from
    an earlier form, takes 6–7 ms instead of 25–38 ms for a Fandol face."""

    def _harfbuzz_subset(self, to_unicode: Any, hinting: Any) -> None:
        data = _subset(self.hb_face, sorted(to_unicode), hinting=bool(hinting),
                       notdef_outline=bool(self.missing))
        if data:
            self.file_content = data
        else:  # as WeasyPrint would (it warns when HarfBuzz fails)
            super()._harfbuzz_subset(to_unicode, hinting)


_DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                b"LTSH", b"PCLT", b"SVG ")


def _subset(face: Any, glyphs: list[int], *, hinting: bool, notdef_outline: bool) -> Any:
    """The glyphs `glyphs` of `face` (ids kept) as font bytes, None when HarfBuzz fails."""
    hb = harfbuzz_subset
    request = ffi.gc(hb.hb_subset_input_create_or_fail(), hb.hb_subset_input_destroy)
    if request == ffi.NULL:
        return None
    wanted = ffi.new("hb_codepoint_t[]", glyphs)  # a sized type would be parsed anew per size
    harfbuzz.hb_set_add_sorted_array(hb.hb_subset_input_glyph_set(request), wanted, len(glyphs))
    flags = (hb.HB_SUBSET_FLAGS_RETAIN_GIDS | hb.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
             | hb.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if not hinting:
        flags |= hb.HB_SUBSET_FLAGS_NO_HINTING
    if notdef_outline:
        flags |= hb.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hb.hb_subset_input_set_flags(request, flags)
    tags = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in _DROP_TABLES)
    drop = ffi.new("hb_codepoint_t[]", tags)
    harfbuzz.hb_set_add_sorted_array(
        hb.hb_subset_input_set(request, hb.HB_SUBSET_SETS_DROP_TABLE_TAG), drop, len(tags))
    result = hb.hb_subset_or_fail(face, request)
    if result == ffi.NULL:
        return None
    result = ffi.gc(result, harfbuzz.hb_face_destroy)
    return get_hb_object_data(result)


@cache
def _declared() -> Any:
    """GObject, with `g_object_ref` (which WeasyPrint does not declare) declared."""
    try:
        ffi.cdef("gpointer g_object_ref (gpointer object);")
    except FFIError:  # declared already (by a later WeasyPrint)
        pass
    return gobject


def font(pango_font: Any, description: Any, font_size: float) -> Any:
    """The Font for one document: a copy of the one kept for this face and size."""
    face = harfbuzz.hb_font_get_face(pango.pango_font_get_hb_font(pango_font))
    key = (pango.pango_font_description_hash(description), font_size, _address(face))
    with _LOCK:
        template = _TEMPLATES.get(key)
        if template is None:
            template = KeptFont(pango_font, description, font_size)
            _declared().g_object_ref(pango_font)  # the template points into it: keep it alive
            # One copy of a face's bytes however many sizes it is first used at.
            template.file_content = _FACES.setdefault(key[2], template.file_content)
            _TEMPLATES[key] = template
    return fresh(template)


def fresh(template: Any) -> Any:
    """A copy of `template` with nothing of an earlier document: what WeasyPrint's Font
    holds right after it is built."""
    kept = copy.copy(template)
    kept.variations = dict(template.variations)
    kept.widths = {}
    kept.to_unicode = {}
    kept.missing = {}
    kept.used_in_forms = False
    return kept


CHECKED_VERSION = "70."  # the WeasyPrint whose internals this was written against


@cache
def keep_fonts() -> None:
    """Make WeasyPrint build its PDF fonts through `font` (once per process); another
    WeasyPrint than the one checked keeps its own, slower fonts."""
    import weasyprint

    if not str(weasyprint.__version__).startswith(CHECKED_VERSION):
        return
    if getattr(_pdf_stream, "Font", None) is _pdf_fonts.Font:
        _pdf_stream.Font = font
