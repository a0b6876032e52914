"""Input that is too big, too deep, linked out of the project or otherwise hostile ends in one message.

Resource bombs are judged by outcome: the build finishes, with the error. The cases in
tests/invalid/ give the exact messages; these tests cover what cannot live in a folder of files
(files made at test time, links, pipes) and what must be true besides the message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT, build_files, fixture_project

from builder.diagnostics import Diagnostics, summary
from builder.load.load import MAX_FILE_BYTES, Project, read_sources
from builder.load.yamlread import YamlProblem, load_yaml
from builder.model import anchoring
from builder.model.anchoring import Target
from builder.model.text import render_body
from builder.parse.hazards import markdown_problem
from builder.parse.parse import parse_report
from builder.parse.records import Selector, Where

VISIT = "reports/2022-01-visit.md"


def _site(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE / "content", content)
    return content


def _check(content: Path, cwd: Path) -> tuple[dict | None, list[str]]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        files, diagnostics = build_files(fixture_project(cwd / "out", content))
    finally:
        os.chdir(old)
    return files, [d.format() for d in diagnostics.sorted()]


def test_a_report_over_the_size_cap_is_refused_at_the_line_where_it_crosses(tmp_path: Path):
    content = _site(tmp_path)
    report = content / VISIT
    line = "Filler text for a report that is far too large to be a real one.\n"
    report.write_text(report.read_text() + line * (MAX_FILE_BYTES // len(line) + 10))
    crossing = (report.read_bytes()[:MAX_FILE_BYTES].count(b"\n")) + 1
    files, messages = _check(content, tmp_path)
    assert files is None
    assert messages == [
        f"content/{VISIT}:{crossing}: error: file is larger than the limit of 1,000,000 bytes "
        "(the limit is reached on this line)"
    ]


def test_two_hundred_kilobytes_of_brackets_end_in_one_error(tmp_path: Path):
    content = _site(tmp_path)
    report = content / VISIT
    text = report.read_text().rstrip("\n") + "\n\n" + "[" * 200_000 + "\n"
    report.write_text(text)
    line = text[: text.index("[[[")].count("\n") + 1  # the paragraph of brackets
    files, messages = _check(content, tmp_path)
    assert files is None
    assert messages == [
        f"content/{VISIT}:{line}: error: too many unclosed links in one paragraph (200,000 in "
        "200,001 characters) for the Markdown renderer (hint: close each '[' with ']' and each "
        "'](' with ')', or write \\[ for a bracket that is not a link)"
    ]


def test_escaped_brackets_and_ordinary_links_are_within_budget():
    body = "A paragraph with [a link](https://example.org) and " + "\\[" * 5000 + "\n"
    assert markdown_problem(body) is None
    assert render_body(body, []).html.count("[") == 5000


def test_a_long_paragraph_of_closed_links_and_code_is_within_budget():
    assert markdown_problem("[a](/b) [c] `d` ``e`` " * 2_000) is None


def test_an_alias_bomb_in_front_matter_is_refused_whole_build(tmp_path: Path):
    content = _site(tmp_path)
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)
    ]
    report = content / VISIT
    report.write_text(report.read_text().replace("---\nid:", "---\n" + "\n".join(bomb) + "\nid:"))
    files, messages = _check(content, tmp_path)
    assert files is None
    assert messages == [
        f"content/{VISIT}:6: error: aliases here expand to more than 100,000 values "
        "(hint: write the values out instead of repeating an alias)"
    ]


def test_deep_nesting_never_reaches_the_interpreters_recursion_limit():
    for opener, closer in (("[", "]"), ("{a: ", "}")):
        with pytest.raises(YamlProblem) as info:
            load_yaml("x: " + opener * 100_000 + closer * 100_000)
        assert info.value.message == "values are nested more than 40 levels deep"


def test_shared_values_keep_their_lines_when_front_matter_is_offset():
    data = load_yaml("a: &x {k: 1}\nb: *x\n", first_line=5)
    assert data["a"].key_lines == {"k": 5} and data["b"] is data["a"]


def test_an_indented_dashes_line_in_a_note_stays_in_the_note(tmp_path: Path):
    content = _site(tmp_path)
    report = content / VISIT
    report.write_text(
        report.read_text().replace(
            "    themes: [supervision]",
            "    themes: [supervision]\n    note: |\n      Before the line.\n      ---\n"
            "      After the line.",
        )
    )
    files, messages = _check(content, tmp_path)
    assert messages == []
    page = files["reports/2022-01-visit/index.html"].decode()
    assert "After the line." in page
    assert page.count("After the line.") == 1  # in the note, not also in the report text


def test_paragraph_one_thousand_is_numbered():
    html = render_body("1000. The thousandth paragraph.\n", []).html
    assert 'id="p1000"' in html


def test_a_symlinked_secrets_file_is_named_never_read(tmp_path: Path):
    secret = tmp_path / "secret.yml"
    secret.write_text("password: hunter2-do-not-print\n")
    content = _site(tmp_path)
    (content / "themes.yml").unlink()
    (content / "themes.yml").symlink_to(secret)
    files, messages = _check(content, tmp_path)
    assert files is None
    assert messages == [
        "content/themes.yml: error: is a symbolic link, which the builder does not follow "
        "(hint: replace it with a copy of the file or folder)"
    ]
    assert "hunter2" not in "".join(messages)


def test_a_symlinked_asset_is_not_published(tmp_path: Path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "site.css").write_text("body { color: black; }\n")
    (assets / "passwd").symlink_to("/etc/passwd")
    diagnostics = Diagnostics()
    from builder.load.load import read_assets

    assert "passwd" not in read_assets(assets, None, diagnostics)
    assert [d.format() for d in diagnostics.sorted()] == [
        f"{assets.as_posix()}/passwd: error: is a symbolic link, which the builder does not "
        "follow (hint: replace it with a copy of the file or folder)"
    ]


def test_a_pipe_named_like_a_report_does_not_block_the_build(tmp_path: Path):
    content = _site(tmp_path)
    os.mkfifo(content / "reports" / "2022-02-pipe.md")
    files, messages = _check(content, tmp_path)
    assert messages == ["content/reports/2022-02-pipe.md: error: is not a regular file"]


def test_an_unreadable_file_is_one_message(tmp_path: Path, monkeypatch):
    content = _site(tmp_path)
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self.name == "themes.yml":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    diagnostics = Diagnostics()
    read_sources(content, diagnostics)
    assert [d.message for d in diagnostics.sorted()] == ["cannot read file: Permission denied"]


def test_messages_are_one_line_of_bounded_length():
    diagnostics = Diagnostics()
    diagnostics.error("x.md", 1, "first\nsecond\x1b[31m" + "y" * 1000)
    (item,) = diagnostics.sorted()
    assert "\n" not in item.message and "\x1b" not in item.message
    assert item.message.startswith("first\\nsecond\\x1b[31m") and len(item.message) == 400


def test_the_count_line_counts_distinct_problems():
    diagnostics = Diagnostics()
    for _ in range(3):
        diagnostics.error("a.md", 4, "unknown theme 'x'")
    diagnostics.warning("a.md", 5, "w")
    diagnostics.warning("a.md", 5, "w")
    assert summary(diagnostics, written=False) == "1 error, 1 warning; site not written"


def test_front_matter_lines_survive_a_byte_order_mark_and_crlf():
    diagnostics = Diagnostics()
    text = "\ufeff---\r\nid: 2022-01-x\r\ntitle: X\r\nnope: 1\r\n---\r\nBody\r\n"
    parse_report(text, "r/2022-01-x.md", diagnostics)
    assert any(
        d.format().startswith("r/2022-01-x.md:4: error: unknown key 'nope'")
        for d in diagnostics.items
    )


def test_anchoring_fifty_thousand_annotations_looks_at_few_blocks_each(monkeypatch):
    """Past a few, each quote is looked for only in the blocks holding its rarest word: linear."""
    paragraphs = 5_000
    body = "\n\n".join(
        f"{i + 1}. " + " ".join(f"Sentence w{i}x{j} here." for j in range(10))
        for i in range(paragraphs)
    )
    targets = [
        Target(f"a{k}", Selector(f"Sentence w{k // 10}x{k % 10} here", "", "", ""), Where("x", k))
        for k in range(50_000)
    ]
    examined = []
    real = anchoring.BlockIndex.candidates

    def counting(self, quote, paragraph):
        found = real(self, quote, paragraph)
        examined.append(len(found))
        return found

    monkeypatch.setattr(anchoring.BlockIndex, "candidates", counting)
    result = render_body(body, targets)
    assert not result.problems
    assert len(result.anchors) == 50_000
    # The first few quotes look through every block (cheaper than indexing every word when a
    # report has only a few); from then on, one block each, whatever the number of blocks.
    scan = anchoring.BlockIndex.SCAN
    assert sum(examined) == scan * paragraphs + (50_000 - scan)


def test_many_notes_on_one_paragraph_keep_their_order():
    body = "1. " + " ".join(f"word{i} end." for i in range(300)) + "\n"
    targets = [
        Target(f"n{i}", Selector("", "", "", "p1"), Where("x", i), highlight=False)
        for i in range(300)
    ]
    html = render_body(body, targets).html
    positions = [html.index(f"<!--aside:n{i}-->") for i in range(300)]
    assert positions == sorted(positions)


def test_project_at_reads_nothing_outside_when_content_holds_a_link_to_a_folder(tmp_path: Path):
    content = _site(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secrets.yml").write_text("token: abc\n")
    (content / "more").symlink_to(outside)
    diagnostics = Diagnostics()
    sources = read_sources(content, diagnostics)
    assert not any("secrets" in name for name in sources.files)
    assert len(diagnostics.errors) == 1
    assert Project.at(tmp_path).content == content


def test_an_editors_lock_link_is_ignored_not_followed(tmp_path: Path):
    content = _site(tmp_path)
    (content / ".#themes.yml").symlink_to("user@host.1234:1700000000")
    diagnostics = Diagnostics()
    sources = read_sources(content, diagnostics)
    assert diagnostics.items == [] and not any(".#" in name for name in sources.files)


def test_a_thousand_highlights_of_one_passage_end_in_one_error_not_a_recursion_error():
    targets = [
        Target(f"a{k}", Selector("the same words", "", "", ""), Where("x", k, (("quote", k),)))
        for k in range(1, 1001)
    ]
    result = render_body("1. Here are the same words again.\n", targets)
    assert [(p.where.line, p.message) for p in result.problems] == [
        (
            201,
            "more than 200 quotes are highlighted in one paragraph (hint: annotate the whole "
            "paragraph with 'paragraph' and no 'quote')",
        )
    ]


def test_hidden_files_in_content_are_skipped(tmp_path: Path):
    content = _site(tmp_path)
    (content / "reports" / "._2022-01-visit.md").write_bytes(b"\x00\x05\x16\x07Mac OS X\xff")
    (content / ".git").mkdir()
    (content / ".git" / "config.yml").write_text("a: 1\n")
    diagnostics = Diagnostics()
    sources = read_sources(content, diagnostics)
    assert diagnostics.items == []
    assert not any("/." in name for name in sources.files)


def test_ids_for_many_identical_paragraphs_are_found_in_linear_time():
    from builder.model.paragraphs import free_id

    class Counting(set):
        checks = 0

        def __contains__(self, item):
            Counting.checks += 1
            return super().__contains__(item)

    taken, tried = Counting(), {}
    ids = [free_id("same-words", taken, tried) for _ in range(10_000)]
    assert ids[:3] == ["same-words", "same-words-2", "same-words-3"] and len(set(ids)) == 10_000
    assert Counting.checks < 3 * 10_000


def test_ten_thousand_identical_paragraphs_render():
    result = render_body("Same words.\n\n" * 10_000, [])
    assert result.blocks[-1].id == "same-words-10000"


def test_a_paragraph_thick_with_markup_is_refused_before_markdown_sees_it(tmp_path: Path):
    content = _site(tmp_path)
    report = content / VISIT
    text = report.read_text().rstrip("\n") + "\n\n" + "*a* " * 30_000 + "\n"
    report.write_text(text)
    line = text[: text.index("*a* ")].count("\n") + 1  # the paragraph of markup
    files, messages = _check(content, tmp_path)
    assert files is None
    assert messages == [
        f"content/{VISIT}:{line}: error: too much inline markup in one paragraph (60,000 marks in "
        "120,001 characters) for the Markdown renderer (hint: split the paragraph, or remove "
        "stray '*', '_' or '\\' characters)"
    ]


@pytest.mark.parametrize("folder", ["content", "templates", "assets"])
def test_a_symlinked_top_level_folder_is_refused_and_nothing_published(tmp_path: Path, folder):
    """A project whose `assets/` (say) is a link to a secrets folder publishes none of it."""
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / ".env").write_text("TOKEN=hunter2-do-not-publish\n")
    (secrets / "key.css").write_text("/* hunter2-do-not-publish */\n")
    (secrets / "themes.yml").write_text("- id: secret\n  title: hunter2-do-not-publish\n")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(FIXTURE / "content", project / "content")
    if folder == "content":
        shutil.rmtree(project / "content")
        shutil.copytree(FIXTURE / "content", secrets, dirs_exist_ok=True)
    (project / folder).symlink_to(secrets, target_is_directory=True)
    result = subprocess.run(
        [sys.executable, "-m", "builder", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"{folder}: error: is a symbolic link, which the builder does not follow "
        "(hint: replace it with a copy of the file or folder)",
        "1 error; site not written",
    ]
    assert not (project / "_site").exists()
