"""The configuration and content-format references are the schemas', and cannot drift from them."""

from __future__ import annotations

import dataclasses
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import reference  # noqa: E402

sys.path.remove(str(ROOT / "scripts"))

from builder.parse import parse  # noqa: E402
from builder.parse.schema import Field  # noqa: E402


def test_the_committed_references_are_what_the_schemas_give():
    for path, text in reference.documents().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(ROOT)} differs from the schemas: run python3 scripts/reference.py"
        )


def test_every_key_the_builder_accepts_is_in_a_reference():
    text = reference.CONFIGURATION.read_text() + reference.CONTENT.read_text()
    for schema in (parse.SETTINGS, parse.REPORT, parse.EVENT, parse.ANNOTATION, parse.SELECTOR):
        for field in schema.fields:
            for key in field.kind.keys(field):
                assert f"| `{key}` |" in text, key


def test_a_key_added_to_a_schema_without_a_meaning_stops_the_script(
    monkeypatch: pytest.MonkeyPatch,
):
    added = dataclasses.replace(
        parse.THEME, fields=(*parse.THEME.fields, Field("colour", parse.TEXT))
    )
    monkeypatch.setitem(
        reference.FILES,
        reference.CONTENT,
        (*reference.FILES[reference.CONTENT][:2], [("`content/themes.yml`", added, "A list:")]),
    )
    with pytest.raises(ValueError, match="'colour' of theme has no meaning"):
        reference.documents()


def test_a_meaning_for_a_key_no_schema_has_stops_the_script(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(reference.MEANING, "theme.colour", "Gone.")
    with pytest.raises(ValueError, match="meanings for keys no schema has: theme.colour"):
        reference.documents()
