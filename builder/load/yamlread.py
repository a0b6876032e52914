"""Read YAML safely into dicts and lists that remember the line of every key and item.

Content comes from many hands, so the loader is bounded: only plain YAML types (no tags that build
other objects), whole numbers of at most 18 digits, nesting at most MAX_DEPTH deep, and aliases
expanding to at most MAX_NODES values, so an alias bomb is refused before it is built.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, Event
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_DEPTH = 40  # far beyond any real front matter; keeps recursion bounded
MAX_NODES = 100_000  # values aliases may add (the largest bundled file has ~3,000 in all)
MAX_DIGITS = 18

# Control characters other than tab, line feed and carriage return, and Unicode non-characters:
# never meant, often invisible, and not allowed in the XML of the feed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


class LineDict(dict[Any, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """The line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlProblem(Exception):
    """Bad YAML: the message and the 1-based line it was found on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def short(text: Any, limit: int = 40) -> str:
    """A value as it may be quoted in a message: one line, control characters shown, cut short."""
    text = str(text)
    first = text.split("\n", 1)[0]
    cut = len(first) < len(text) or len(first) > limit
    first = CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", first[:limit])
    return first + ("…" if cut else "")


def control_character(text: str) -> tuple[int, str] | None:
    """The 1-based line and name (`control character U+0007`) of the first bad character, if any."""
    found = CONTROL.search(text)
    if not found:
        return None
    code = ord(found.group())
    kind = "non-character" if code > 0x9F else "control character"
    return text.count("\n", 0, found.start()) + 1, f"{kind} U+{code:04X}"


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


# libyaml's parser when PyYAML was built with it (several times faster), the pure-Python one
# otherwise; the composer is always PyYAML's own so that depth and aliases can be bounded.
# yaml.cyaml takes CParser from yaml._yaml too, but does not export it.
try:
    from yaml._yaml import CParser

    _LIBYAML = True
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _LIBYAML = False


class _Bounded(Composer):
    """A composer that refuses deep nesting and alias expansion past the budget."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.line_offset = 0  # lines before the YAML text in its file (front matter)
        self.weights: dict[int, int] = {}  # id(node) -> values it stands for, aliases expanded
        self.composed = 0  # values actually written in the text so far

    if TYPE_CHECKING:
        # Supplied by the parser this composer is combined with (libyaml's or PyYAML's own).
        def peek_event(self) -> Event: ...
        def check_event(self, *choices: Any) -> bool: ...

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        mark = self.peek_event().start_mark
        assert mark is not None  # both parsers give every event its position
        line = mark.line + 1 + self.line_offset
        if self.check_event(AliasEvent):
            node = super().compose_node(parent, index)
            assert node is not None  # PyYAML's composer returns a node or raises
            if id(node) not in self.weights:
                raise YamlProblem(line, "an alias cannot refer to the value it is inside")
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise YamlProblem(line, f"values are nested more than {MAX_DEPTH} levels deep")
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        assert node is not None  # PyYAML's composer returns a node or raises
        if isinstance(node, SequenceNode):
            children: list[Node] = node.value
        elif isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        weight = 1 + sum(self.weights[id(child)] for child in children)
        self.composed += 1
        # Only what aliases add counts against the budget: a long file without aliases is fine.
        if weight > MAX_NODES + self.composed:
            raise YamlProblem(
                line,
                f"aliases here expand to more than {MAX_NODES:,} values "
                "(hint: write the values out instead of repeating an alias)",
            )
        self.weights[id(node)] = weight
        return node


if _LIBYAML:

    class _Reader(_Bounded, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            _Bounded.__init__(self)

else:  # pragma: no cover - PyYAML without libyaml

    class _Reader(  # type: ignore[no-redef]
        _Bounded,
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            _Bounded.__init__(self)


class _LineLoader(_Reader):
    """A safe loader whose mappings and sequences carry line numbers, and whose dates stay text.

    Dates are left as strings so that the schema can accept partial dates (`2019-06`) and report an
    impossible date (`2013-02-30`) with its line instead of raising from inside the loader.
    """

    def line_at(self, node: Node) -> int:
        return node.start_mark.line + 1 + self.line_offset


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = loader.line_at(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)  # a bad tag on a key is refused here
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem(loader.line_at(key_node), "a key must be a plain word")
        if not isinstance(key, str):  # `on:` or `01:` stay as written, not True or 1
            key = str(key_node.value)
        if key in result:
            raise YamlProblem(
                loader.line_at(key_node),
                f"duplicate key '{short(key)}' (first given on line {result.key_lines[key]})",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = loader.line_at(key_node)
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = loader.line_at(node)
    result.item_lines = [loader.line_at(child) for child in node.value]
    return result


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    found = control_character(value)
    if found:
        raise YamlProblem(
            loader.line_at(node),
            f"{found[1]} in text (hint: remove it; only tabs and line breaks may appear in text)",
        )
    return value


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int:
    value = str(node.value)
    digits = len(value.replace("_", "").lstrip("+-"))
    if digits > MAX_DIGITS:
        raise YamlProblem(
            loader.line_at(node),
            f"number too long ({digits} digits; at most {MAX_DIGITS}): "
            "put quotes around it if it is text",
        )
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except (ValueError, IndexError):
        raise YamlProblem(loader.line_at(node), f"'{short(value)}' is not a whole number") from None


def _construct_float(loader: _LineLoader, node: yaml.ScalarNode) -> float:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    except (ValueError, IndexError):
        raise YamlProblem(loader.line_at(node), f"'{short(node.value)}' is not a number") from None


def _construct_bool(loader: _LineLoader, node: yaml.ScalarNode) -> bool:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_bool(loader, node)
    except KeyError:
        raise YamlProblem(
            loader.line_at(node), f"'{short(node.value)}' is not true or false"
        ) from None


def _construct_unknown(loader: _LineLoader, node: Node) -> None:
    raise YamlProblem(
        loader.line_at(node),
        f"unknown YAML tag '{short(_tag_name(str(node.tag)))}' "
        "(hint: remove the tag; put quotes around text that begins with '!')",
    )


_LineLoader.yaml_constructors = {
    "tag:yaml.org,2002:null": yaml.constructor.SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": _construct_bool,
    "tag:yaml.org,2002:int": _construct_int,
    "tag:yaml.org,2002:float": _construct_float,
    "tag:yaml.org,2002:timestamp": _construct_text,
    "tag:yaml.org,2002:str": _construct_text,
    "tag:yaml.org,2002:seq": _construct_sequence,
    "tag:yaml.org,2002:map": _construct_mapping,
    None: _construct_unknown,
}


# A block mapping's quoted value followed by more keys on its line, as a flow mapping writes them.
_MORE_KEYS = re.compile(r"""\s*(?:- )?([\w-]+):\s*(?:"[^"]*"|'[^']*')\s*,\s*([\w-]+)\s*:""")


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML text; lines are counted from `first_line` (for front matter inside a file).

    Raises YamlProblem with a plain message for anything that is not well-formed, bounded YAML.
    """
    offset = first_line - 1
    found = control_character(text)
    if found:
        raise YamlProblem(
            found[0] + offset,
            f"{found[1]} in the file (hint: remove it; it is invisible in most editors)",
        )
    loader = _LineLoader(text)
    loader.line_offset = offset
    try:
        return loader.get_single_data()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        unclosed = str(exc.problem).startswith("did not find expected ',' or ")
        if exc.context_mark and (
            unclosed
            or "end of stream" in str(exc.problem)
            or "could not find expected ':'" in str(exc.problem)
        ):
            mark = exc.context_mark  # where the unfinished value began, not where the file ended
        line = (mark.line + 1 if mark else 1) + offset
        what = short(exc.problem or exc.context or "not valid YAML", 100)
        context = str(exc.context or "")
        hint = ""
        if unclosed and exc.context_mark:
            closer = "]" if "']'" in what else "}"
            opener = "[" if closer == "]" else "{"
            raise YamlProblem(
                line,
                f"invalid YAML: the '{opener}' on this line is never closed "
                f"(hint: end the list with '{closer}', with a comma between its items)",
            ) from None
        if "maximum nesting depth" in what:
            # libyaml's own bound (newer builds of PyYAML carry one), met before the composer's.
            raise YamlProblem(
                line, f"values are nested more than {MAX_DEPTH} levels deep"
            ) from None
        if "mapping values are not allowed" in what:
            hint = " (hint: put quotes around a value that contains ': ')"
        elif "found character '\\t'" in what:
            hint = " (hint: indent with spaces, not tabs)"
        elif "did not find expected '-' indicator" in what or ("did not find expected key" in what):
            hint = " (hint: check this line's indentation: it should line up with the lines above)"
            written = (
                text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
            )
            if more := _MORE_KEYS.match(written):  # `- quote: "…", tracks: x`, as in braces
                first, then = more.groups()
                hint = (
                    " (hint: a quoted value ends its line here: put each key on a line of its own, "
                    f'lined up, or the whole item in braces: {{{first}: "…", {then}: …}})'
                )
        elif "while scanning a quoted scalar" in context:
            what = "a quoted value has no closing quote"
        elif "expected a single document" in context:
            what = "a line '---' starts a second document"
            hint = " (hint: indent it, or put it in quotes)"
        raise YamlProblem(line, f"invalid YAML: {what}{hint}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1 + offset, f"invalid YAML: {short(exc, 100)}") from None
    except RecursionError:  # a safety net: MAX_DEPTH keeps well within the interpreter's limit
        raise YamlProblem(1 + offset, "invalid YAML: values are nested too deeply") from None
    finally:
        loader.dispose()
