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
the Unicode map, missing glyphs), sharing the face's bytes. The subsetter works from a face
HarfBuzz has preprocessed once (`hb_subset_preprocess`, HarfBuzz ≥ 6), which gives the same
subset without parsing the whole font again. The PDF bytes are the same as without the cache.
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
# face address → (the face, kept referenced so its address stays its own; preprocessed face).
_PREPROCESSED: dict[int, tuple[Any, Any]] = {}


def _address(pointer: Any) -> int:
    return int(ffi.cast("uintptr_t", pointer))


class KeptFont(_pdf_fonts.Font):  # type: ignore[misc]
    """WeasyPrint's Font, subset in one pass from a preprocessed copy of its face.

    WeasyPrint 70 subsets twice: the used glyphs with their ids kept, then that result again
    for the glyphs up to the last used one, without hinting. One pass with both flags from
    the preprocessed face gives the same bytes (compared on every form of the benchmark
    corpus) in about a third of the time."""

    def _harfbuzz_subset(self, to_unicode: Any, hinting: Any) -> None:
        face = preprocessed(self.hb_face)
        data = _subset(face, sorted(to_unicode), hinting=bool(hinting),
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
    wanted = ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs)
    harfbuzz.hb_set_add_sorted_array(hb.hb_subset_input_glyph_set(request), wanted, len(glyphs))
    flags = (hb.HB_SUBSET_FLAGS_RETAIN_GIDS | hb.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
             | hb.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if not hinting:
        flags |= hb.HB_SUBSET_FLAGS_NO_HINTING
    if notdef_outline:
        flags |= hb.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hb.hb_subset_input_set_flags(request, flags)
    tags = tuple(harfbuzz.hb_tag_from_string(name, -1) for name in _DROP_TABLES)
    drop = ffi.new(f"hb_codepoint_t[{len(tags)}]", tags)
    harfbuzz.hb_set_add_sorted_array(
        hb.hb_subset_input_set(request, hb.HB_SUBSET_SETS_DROP_TABLE_TAG), drop, len(tags))
    result = hb.hb_subset_or_fail(face, request)
    if result == ffi.NULL:
        return None
    result = ffi.gc(result, harfbuzz.hb_face_destroy)
    return get_hb_object_data(result)


def preprocessed(face: Any) -> Any:
    """`face` preprocessed for subsetting, once per face and process (the face itself when
    HarfBuzz cannot)."""
    if _preprocess() is None:
        return face
    key = _address(face)
    with _LOCK:
        found = _PREPROCESSED.get(key)
        if found is None:
            done = _preprocess()(face)
            if done == ffi.NULL:
                return face
            kept = ffi.gc(harfbuzz.hb_face_reference(face), harfbuzz.hb_face_destroy)
            found = _PREPROCESSED[key] = (kept, ffi.gc(done, harfbuzz.hb_face_destroy))
    return found[1]


@cache
def _declared() -> Any:
    """GObject, with the two C functions WeasyPrint does not declare declared."""
    for declaration in ("gpointer g_object_ref (gpointer object);",
                        "hb_face_t * hb_subset_preprocess (hb_face_t *source);"):
        try:
            ffi.cdef(declaration)
        except FFIError:  # declared already (by a later WeasyPrint)
            pass
    return gobject


@cache
def _preprocess() -> Any:
    """HarfBuzz's `hb_subset_preprocess`, or None without it (then subsetting is as before)."""
    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(6, 0, 0):
        return None
    _declared()
    try:
        return harfbuzz_subset.hb_subset_preprocess
    except AttributeError:
        return None


def font(pango_font: Any, description: Any, font_size: float) -> Any:
    """The Font for one document: a copy of the one kept for this face and size."""
    face = harfbuzz.hb_font_get_face(pango.pango_font_get_hb_font(pango_font))
    key = (pango.pango_font_description_hash(description), font_size, _address(face))
    with _LOCK:
        template = _TEMPLATES.get(key)
        if template is None:
            template = KeptFont(pango_font, description, font_size)
            _declared().g_object_ref(pango_font)  # the template points into it: keep it alive
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


@cache
def keep_fonts() -> None:
    """Make WeasyPrint build its PDF fonts through `font` (once per process)."""
    if getattr(_pdf_stream, "Font", None) is _pdf_fonts.Font:
        _pdf_stream.Font = font
