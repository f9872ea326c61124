"""The findings table marks the figures a finding used, whatever their type in the params."""

from __future__ import annotations

from decimal import Decimal

import click

from nianbao.cli.output import highlight


def marked(text: str) -> str:
    return click.style(text, fg="red", bold=True)


def test_exact_figures_of_a_finding_are_marked_in_its_evidence() -> None:
    """Facts hold Decimals; a rule that passes them on (an average above its standard) has
    them marked as it had its floats marked."""
    evidence = "城市低保月人均补差361元，低保标准348.5元/人·月"
    shown = highlight(evidence, {"average": Decimal("361"), "standard": Decimal("348.5")})
    assert marked("361") in shown and marked("348.5") in shown


def test_floats_and_integers_are_marked_and_text_params_are_not() -> None:
    shown = highlight("保障832户1155人，计2.5万元", {"parts": [832, 2.5], "field": "1155"})
    assert marked("832") in shown and marked("2.5") in shown and marked("1155") not in shown
