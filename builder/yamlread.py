"""Read YAML safely into dicts and lists that remember the line of every key and item."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        """The line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
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


# libyaml's parser when PyYAML was built with it (several times faster), the pure-Python one otherwise.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader whose mappings and sequences carry line numbers, and whose dates stay text.

    Dates are left as strings so that the schema can accept partial dates (`2019-06`) and report an
    impossible date (`2013-02-30`) with its line instead of raising from inside the loader.
    """


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int)):
            raise YamlProblem(key_node.start_mark.line + 1, "a key must be a plain word")
        key = str(key)
        if key in result:
            raise YamlProblem(
                key_node.start_mark.line + 1,
                f"duplicate key '{key}' (first given on line {result.key_lines[key]})",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML text; lines are counted from `first_line` (for front matter inside a file).

    Raises YamlProblem with a plain message for anything that is not well-formed YAML.
    """
    offset = first_line - 1
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except YamlProblem as problem:
        raise YamlProblem(problem.line + offset, problem.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        what = exc.problem or exc.context or "not valid YAML"
        hint = ""
        if "mapping values are not allowed" in what:
            hint = " (hint: put quotes around a value that contains ': ')"
        elif "found character '\\t'" in what:
            hint = " (hint: indent with spaces, not tabs)"
        raise YamlProblem(line, f"invalid YAML: {what}{hint}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1 + offset, f"invalid YAML: {exc}") from None
    if offset:
        _shift_lines(data, offset)
    return data


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, LineList):
        data.line += offset
        data.item_lines = [n + offset for n in data.item_lines]
        for value in data:
            _shift_lines(value, offset)
