"""The on-disk cache holds data only, sealed with a key kept outside the project: whatever is
planted in it (a pickle that would run code, random bytes, a page changed to carry a script) is a
miss that the build repairs, never a traceback, never output and never code run."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT, fixture_project

from builder import diskcache
from builder.diagnostics import Diagnostics
from builder.incremental import codec, store
from builder.memo import Memo
from builder.pipeline import build

# The fixture site's project, for a build in a new process (which must not import conftest: it
# sets where the machine's key is kept).
PROJECT = (
    "from pathlib import Path; from builder.load.load import Project;"
    f"project = lambda content: Project(content, Path({str(FIXTURE)!r}) / 'templates',"
    f" Path({str(FIXTURE)!r}) / 'assets', Path('/x'));"
)


class Planted:
    """A pickle that, if ever unpickled, creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def run(content: Path, root: Path, memo: Memo | None = None) -> dict[str, bytes]:
    diagnostics = Diagnostics()
    files = build(
        fixture_project(Path("/nonexistent"), content),
        diagnostics,
        write=False,
        cache_root=root,
        cache=memo,
        jobs=1,
    )
    assert files is not None, [d.format() for d in diagnostics.sorted()]
    return files


def cache_paths(root: Path) -> list[Path]:
    folder = diskcache.cache_file(root).parent
    return sorted(p for p in folder.iterdir() if p.is_file())


def rows(root: Path) -> dict[str, tuple[bytes, bytes]]:
    with sqlite3.connect(diskcache.cache_file(root).with_name("entries.sqlite")) as db:
        return {n: (d, m) for n, d, m in db.execute("SELECT name, data, mac FROM entry")}


def set_rows(root: Path, changed: dict[str, bytes]) -> None:
    """Change rows' data, keeping their seals (as someone without the key would)."""
    with sqlite3.connect(diskcache.cache_file(root).with_name("entries.sqlite")) as db:
        db.executemany(
            "UPDATE entry SET data = ? WHERE name = ?", [(d, n) for n, d in changed.items()]
        )


def all_sealed(root: Path) -> bool:
    key = store.machine_key()
    assert key is not None
    return all(store.sealed(key, n, d, m) for n, (d, m) in rows(root).items())


def test_the_cache_holds_no_pickle_and_is_sealed(fixture_copy: Path, tmp_path: Path):
    root = tmp_path / "project"
    run(fixture_copy, root)
    names = {p.name for p in cache_paths(root)}
    assert names == {"memo.data", "build.data", "entries.sqlite"}
    key = store.machine_key()
    assert key is not None
    for name in ("memo.data", "build.data"):
        blob = (diskcache.cache_file(root).parent / name).read_bytes()
        assert store.sealed(key, name, blob[32:], blob[:32])
        codec.loads(blob[32:])  # JSON, nothing else
    assert all_sealed(root)
    key_file = store.key_path()
    assert (key_file.stat().st_mode & 0o777) == 0o600
    assert not key_file.resolve().is_relative_to(root.resolve())


@pytest.mark.parametrize("what", ["pickle", "random"])
def test_planted_bytes_in_every_cache_file_and_row_never_run_and_are_repaired(
    fixture_copy: Path, tmp_path: Path, what: str
):
    root = tmp_path / "project"
    cold = run(fixture_copy, root)
    marker = tmp_path / "ran"

    def planted(size: int = 64) -> bytes:
        if what == "pickle":
            return pickle.dumps(Planted(marker), protocol=pickle.HIGHEST_PROTOCOL)
        return os.urandom(size)

    # Every row, with its seal kept; then every file; then the old pickle files beside them.
    set_rows(root, {name: planted(len(data)) for name, (data, _) in rows(root).items()})
    assert run(fixture_copy, root, Memo()) == cold
    assert not marker.exists()
    assert all_sealed(root)
    for path in cache_paths(root):
        path.write_bytes(planted(path.stat().st_size))
    for name in ("memo.pickle", "build.pickle"):
        (diskcache.cache_file(root).parent / name).write_bytes(planted())
    assert run(fixture_copy, root, Memo()) == cold
    assert not marker.exists()
    # Repaired: the next build finds every page in the cache and renders none.
    diskcache.build_file(root).unlink()
    memo = Memo()
    assert run(fixture_copy, root, memo) == cold
    assert memo.rendered == []
    assert all_sealed(root)


def test_a_flipped_byte_in_a_stored_page_is_a_miss_not_a_traceback(
    fixture_copy: Path, tmp_path: Path
):
    root = tmp_path / "project"
    cold = run(fixture_copy, root)
    pages = {n: d for n, (d, _) in rows(root).items() if n.startswith("h-")}
    set_rows(root, {n: d[:-5] + bytes([d[-5] ^ 0xFF]) + d[-4:] for n, d in pages.items()})
    assert run(fixture_copy, root) == cold  # the last output: its pages read from the rows
    diskcache.build_file(root).unlink()
    assert run(fixture_copy, root, Memo()) == cold  # through the memo
    assert all_sealed(root)


def test_a_row_changed_to_put_a_script_on_a_page_never_reaches_it(
    fixture_copy: Path, tmp_path: Path
):
    root = tmp_path / "project"
    cold = run(fixture_copy, root)
    script = b"<script>alert(1)</script>"
    changed = {}
    for name, (data, _) in rows(root).items():
        if name.startswith("h-"):
            html = zlib.decompress(data[8:]).replace(b"</body>", script + b"</body>")
            changed[name] = len(html).to_bytes(8, "little") + zlib.compress(html)
    set_rows(root, changed)
    for files in (run(fixture_copy, root), run(fixture_copy, root, Memo())):
        assert files == cold
        assert not any(script in files[n] for n in files if n.endswith(".html"))


def test_a_cache_from_another_machine_is_a_miss(fixture_copy: Path, tmp_path: Path):
    """A `.cache/` committed to git or restored from CI was sealed with another key."""
    root = tmp_path / "project"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "elsewhere")}
    script = (
        f"{PROJECT}from builder.pipeline import build;"
        "from builder.diagnostics import Diagnostics;"
        f"build(project(Path({str(fixture_copy)!r})), Diagnostics(),"
        f" write=False, cache_root=Path({str(root)!r}), jobs=1)"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)
    assert (tmp_path / "elsewhere" / "inspection-history" / "key").is_file()
    memo = Memo()
    files = run(fixture_copy, root, memo)
    assert len(memo.rendered) > 10  # nothing of the other machine's was used
    assert files == run(fixture_copy, tmp_path / "fresh")


def test_a_key_inside_the_project_is_never_trusted(fixture_copy: Path, tmp_path: Path, monkeypatch):
    root = tmp_path / "project"
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / ".cache"))
    store._key_at.cache_clear()
    try:
        run(fixture_copy, root)
        assert not diskcache.cache_file(root).exists()
    finally:
        store._key_at.cache_clear()


def test_a_loose_key_file_is_not_trusted(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    store._key_at.cache_clear()
    try:
        key = store.machine_key()
        assert key is not None and store.key_path().is_relative_to(tmp_path)
        store.key_path().chmod(0o644)
        store._key_at.cache_clear()
        assert store.machine_key() is None
    finally:
        store._key_at.cache_clear()


def test_the_codec_reads_only_what_it_writes():
    from builder.parse.records import Where

    value = {"a": (1, 2.5, None, True), ("k", 1): frozenset({"x", "y"}), "w": Where("p", 3)}
    assert codec.from_bytes(codec.to_bytes(value)) == value
    for bad in (
        b"\x80\x04K\x01.",  # a pickle
        b'["c", "os:system", "echo"]',  # not a record class
        b'["c", "builder.diagnostics:Diagnostics"]',  # a record with the wrong fields
        b'["c", "subprocess:Popen", ["l", "true"]]',
        b'["x", 1]',
        b'["c"]',  # a record without its class
        b'["t", ["b", 1]]',  # bytes that are not text
        b'["d", ["l"], 1]',  # an unhashable key
        b"[" * 100_000,
    ):
        with pytest.raises(codec.DecodeError):
            codec.from_bytes(bad)


def test_keys_are_the_same_under_any_hash_seed():
    script = "from builder.incremental.codec import key_of; print(key_of(frozenset(map(str, range(50))), {'b', 'a'}))"
    keys = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1


def test_a_rebuild_under_another_hash_seed_renders_only_what_an_edit_affects(
    fixture_copy: Path, tmp_path: Path
):
    """On a site with two content rules (a set in its settings), each build in a new process with
    its own hash seed, as the CLI's are."""
    site = fixture_copy / "site.yml"
    site.write_text(
        site.read_text()
        + "rules:\n  every_listed_finding_themed: true\n  every_numbered_paragraph_themed: true\n"
    )
    root = tmp_path / "project"
    script = (
        f"{PROJECT}from builder.pipeline import build;"
        "from builder.diagnostics import Diagnostics; from builder.memo import Memo;"
        "memo = Memo(handed_on=False);"
        f"build(project(Path({str(fixture_copy)!r})), Diagnostics(),"
        f" write=False, cache_root=Path({str(root)!r}), cache=memo, jobs=1);"
        "print(len(memo.rendered))"
    )

    def rendered(seed: str) -> int:
        out = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout)

    assert rendered("1") > 10
    report = fixture_copy / "reports" / "2013-07-first.md"
    counts = []
    for seed, word in (("2", "must"), ("3", "should"), ("4", "must"), ("5", "should")):
        text = report.read_text()
        report.write_text(text.replace("3. The council should", "3. The council must"))
        if word == "should":
            report.write_text(text.replace("3. The council must", "3. The council should"))
        counts.append(rendered(seed))
    assert counts == [1, 1, 1, 1]


def test_a_fresh_clone_with_a_committed_cache_builds_from_its_content(
    fixture_copy: Path, tmp_path: Path
):
    """The cache folder of one project copied into another: each entry a miss, the output the
    new project's own."""
    first, second = tmp_path / "first", tmp_path / "second"
    run(fixture_copy, first)
    shutil.copytree(first / ".cache", second / ".cache")
    report = fixture_copy / "reports" / "2013-07-first.md"
    report.write_text(report.read_text().replace("3. The council should", "3. The council must"))
    assert run(fixture_copy, second, Memo()) == run(fixture_copy, tmp_path / "third")


def test_a_planted_database_with_a_trigger_is_replaced(fixture_copy: Path, tmp_path: Path):
    root = tmp_path / "project"
    cold = run(fixture_copy, root)
    database = diskcache.cache_file(root).with_name("entries.sqlite")
    database.unlink()
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE entry (name TEXT PRIMARY KEY, data BLOB NOT NULL, mac BLOB NOT NULL)"
        )
        db.execute("CREATE TABLE seen (what TEXT)")
        db.execute(
            "CREATE TRIGGER spy AFTER INSERT ON entry BEGIN INSERT INTO seen VALUES (new.name); END"
        )
    diskcache.build_file(root).unlink()
    assert run(fixture_copy, root, Memo()) == cold
    with sqlite3.connect(database) as db:
        names = {n for (n,) in db.execute("SELECT name FROM sqlite_master")}
    assert names == {"entry", "sqlite_autoindex_entry_1"}
    assert all_sealed(root)


def test_a_build_of_changed_inputs_never_reads_the_last_output(
    fixture_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The last build's file holds the whole site: a build whose inputs differ knows from its
    first bytes that it is a miss, and reads no more of it."""
    root = tmp_path / "project"
    run(fixture_copy, root)
    read: list[str] = []
    load = diskcache.load
    monkeypatch.setattr(diskcache, "load", lambda path: read.append(path.name) or load(path))
    cold = run(fixture_copy, root)  # nothing changed: the last output, read whole
    assert read == ["build.data"]
    report = fixture_copy / "reports" / "2013-07-first.md"
    report.write_text(report.read_text().replace("The council", "The Council", 1))
    read.clear()
    edited = run(fixture_copy, root)
    assert edited != cold
    assert "build.data" not in read
    # A file whose first bytes name these inputs but whose seal fails is still a miss.
    path = diskcache.build_file(root)
    data = path.read_bytes()
    path.write_bytes(data[:-3] + b"]]]")
    read.clear()
    assert run(fixture_copy, root) == edited
    assert read[0] == "build.data"  # read, and refused


def test_the_search_index_is_kept_as_rows_and_used_only_whole(fixture_copy: Path, tmp_path: Path):
    """A search file is a row named by a hash of its bytes (an edit writes only its shard's new
    files); with one row gone the kept index is not used, so no build publishes part of one."""
    root = tmp_path / "project"
    cold = run(fixture_copy, root)
    search = {n: d for n, (d, _) in rows(root).items() if n.startswith("f-")}
    index = {n: d for n, d in cold.items() if n.startswith("pagefind/")}
    assert sorted(search.values()) == sorted(index.values())
    assert all(
        d not in diskcache.cache_file(root).read_bytes() for d in index.values() if len(d) > 64
    )
    with sqlite3.connect(diskcache.cache_file(root).with_name("entries.sqlite")) as db:
        db.execute("DELETE FROM entry WHERE name = ?", (min(search),))
    memo = Memo()
    assert run(fixture_copy, root, memo) == cold  # the last output: a row gone, so a miss
    diskcache.build_file(root).unlink()
    assert run(fixture_copy, root, Memo()) == cold
    assert {n for n in rows(root) if n.startswith("f-")} == set(search)  # repaired


def test_the_data_files_are_kept_as_rows_and_used_only_whole(fixture_copy: Path, tmp_path: Path):
    """A national site's data files are tens of megabytes: held in the memo's own file they were
    encoded whole, several copies at once, at the end of every build. Each is a row named by a
    hash of its packed bytes; a new process takes them up only when all are there."""
    from builder.sitefiles import Packed

    root = tmp_path / "project"
    cold = run(fixture_copy, root)
    stored = {n: Packed.from_bytes(d) for n, (d, _) in rows(root).items() if n.startswith("h-")}
    data = {n: d for n, d in cold.items() if n.startswith("data/") and not n.endswith(".html")}
    found = [p for p in stored.values() if p.unpack() in data.values()]
    assert len(found) == len(data) > 0
    index = diskcache.cache_file(root).read_bytes()
    assert all(p.data not in index for p in found if len(p.data) > 64)
    restored = Memo()
    state = diskcache.load_memo(diskcache.cache_file(root))
    assert state is not None
    restored.restore(state, {})
    assert restored.data is not None
    assert sorted(p.unpack() for p in restored.data[1].values()) == sorted(data.values())
    digests = {n for n, p in stored.items() if p in found}
    with sqlite3.connect(diskcache.cache_file(root).with_name("entries.sqlite")) as db:
        db.execute("DELETE FROM entry WHERE name = ?", (min(digests),))
    state = diskcache.load_memo(diskcache.cache_file(root))
    assert state is not None and state["data_files"] == {}  # one gone: none used
    diskcache.build_file(root).unlink()
    assert run(fixture_copy, root, Memo()) == cold
