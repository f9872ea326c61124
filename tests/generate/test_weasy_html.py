"""WeasyPrint's HTML parser with its pattern cache working: the same tree, the patterns kept."""

from __future__ import annotations

from tinyhtml5 import inputstream, parse

from nianbao.generate.weasy_html import keep_patterns, pattern


def test_html_parser_patterns_are_found_again_and_parse_the_same() -> None:
    page = '<p class="a">一、基本情况&amp;<b>6800户</b></p>'
    before = parse(page)
    keep_patterns()
    assert ([(e.tag, e.attrib, e.text) for e in parse(page).iter()]
            == [(e.tag, e.attrib, e.text) for e in before.iter()])
    key = (("&", "<", "\u0000"), False)
    assert inputstream.characters_until_regex[key].pattern == pattern(*key).pattern
