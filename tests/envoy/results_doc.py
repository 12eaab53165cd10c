"""The result shapes documented in docs/results.md, and a check that a value has exactly
them (the Rust and browser suites read the same tables)."""

import re

from harness import ROOT

FITS = {
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "count": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "text": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "numbers": lambda v: isinstance(v, list) and all(FITS["number"](x) for x in v),
    "list": lambda v: isinstance(v, list),
}


def documented(result):
    """Field path (`slos[].tiers[].name`) -> (type, may be null), for one result."""
    fields, inside = {}, False
    for line in (ROOT / "docs" / "results.md").read_text().splitlines():
        if line.startswith("## "):
            inside = line[3:].strip() == result
        row = inside and re.match(r"^\| `([^`]+)` \| ([^|]+) \|", line)
        if row:
            kind = row.group(2).strip()
            fields[row.group(1)] = (kind.removesuffix(" or null"), kind.endswith(" or null"))
    assert fields, f"docs/results.md documents no {result}"
    return fields


def _walk(fields, prefix, value, seen, wrong):
    if not isinstance(value, dict):
        wrong.append(f"{prefix}: not an object")
        return
    for path in fields:
        rest = path if not prefix else (path[len(prefix) + 1:] if path.startswith(prefix + ".") else None)
        if rest is not None and "." not in rest and rest not in value:
            wrong.append(f"{path}: missing")
    for key, field in value.items():
        path = f"{prefix}.{key}" if prefix else key
        if path not in fields:
            wrong.append(f"{path}: not documented")
            continue
        seen.add(path)
        kind, nullable = fields[path]
        if not (nullable if field is None else FITS[kind](field)):
            wrong.append(f"{path}: {field!r} is not {kind}{' or null' if nullable else ''}")
        if kind == "list" and isinstance(field, list):
            for item in field:
                _walk(fields, f"{path}[]", item, seen, wrong)


def assert_documented(result, values):
    """Each value has exactly the fields of `result`, each of its type; together the values
    hold every documented field, so that none goes unchecked."""
    fields, seen = documented(result), set()
    for value in values:
        wrong = []
        _walk(fields, "", value, seen, wrong)
        assert wrong == [], (result, wrong)
    assert sorted(set(fields) - seen) == [], (result, "fields no value held")
