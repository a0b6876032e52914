"""Every page is well-formed HTML5 with unique ids, on the fixture site and the bundled one."""

from __future__ import annotations

import re

import html5lib
import pytest


def html_pages(files: dict[str, bytes]) -> list[str]:
    return sorted(name for name in files if name.endswith(".html"))


def assert_valid(name: str, blob: bytes) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(blob.decode("utf-8"))
    except html5lib.html5parser.ParseError as exc:
        pytest.fail(f"{name}: {exc}")
    ids = re.findall(rb'\sid="([^"]+)"', blob)
    duplicates = sorted({i.decode() for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{name}: duplicate ids {duplicates}"
    assert b'<html lang="' in blob and b"<title>" in blob, name


def test_fixture_pages_are_valid(fixture_files):
    for name in html_pages(fixture_files):
        assert_valid(name, fixture_files[name])


def test_bundled_pages_are_valid(real_files):
    for name in html_pages(real_files):
        assert_valid(name, real_files[name])
