"""`check` calls a notice without 发文字号 or 版记 info; `generate notice` refuses it as an error.
The info finding now says so, so the two commands no longer seem to disagree."""

from __future__ import annotations

from nianbao.checks import CheckContext
from nianbao.checks import default_registry as registry
from nianbao.extract import read
from nianbao.extract.notice import parse
from tests.conftest import ROOT

SEED_003 = ROOT / "examples" / "notice" / "003_yunxi_notice.txt"


def test_read_from_a_document_the_info_says_generating_needs_it() -> None:
    document = read(SEED_003)
    findings = {f.rule: f for f in registry().run(CheckContext(parse(document), document))}

    for rule in ("notice.missing-doc-number", "notice.missing-colophon"):
        assert findings[rule].severity == "info"
        assert "generate notice needs it" in findings[rule].message_en
        assert "--force" in findings[rule].message_zh


def test_as_generator_input_it_is_an_error_without_the_hint() -> None:
    findings = {f.rule: f for f in registry().run(CheckContext(parse(read(SEED_003))))}

    for rule in ("notice.missing-doc-number", "notice.missing-colophon"):
        assert findings[rule].severity == "error"
        assert "generate notice" not in findings[rule].message_en
        assert "{" not in findings[rule].message_en
