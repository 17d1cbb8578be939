"""`parse()`: bytes in, errors, warnings and the normalized document out."""

from __future__ import annotations

from pathlib import Path

from . import rules, schema, versions
from .context import Context
from .issues import Issue, Result
from .loader import MAX_BYTES, LoadError, load, too_large
from .normalize import normalize, to_plain


def parse(data: bytes | str, *, base_dir: str | Path | None = None) -> Result:
    """Validate a publiccode.yml given as bytes (text is encoded as UTF-8 first).

    `base_dir` is the folder of the file inside a checked-out repository: relative paths
    (logo, screenshots, authorsFile) are then looked up there. Without it (an upload on its
    own) only their form is checked. Nothing is ever fetched from the network: this is the
    official parser's `-no-network` mode (no reachability of URLs, no remote logos).
    """
    result = Result()
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        loaded = load(data)
    except LoadError as exc:
        result.add(exc.issue)
        return result
    for issue in loaded.issues:
        result.add(issue)
    raw = loaded.document
    if not isinstance(raw, dict):
        result.add(
            Issue(
                "",
                "Die Datei muss aus Schlüssel-Wert-Paaren bestehen (z. B. „name: Meine Software“), "
                "nicht aus einer Liste oder einem einzelnen Text. Vorlage: "
                "https://yml.publiccode.tools/example.html",
                "The top level of a publiccode.yml must be a mapping of keys to values.",
                code="not_a_mapping",
            )
        )
        return result
    ctx = Context(result, loaded.positions, Path(base_dir) if base_dir is not None else None)
    readable = versions.check(ctx, raw)
    document = to_plain(raw)
    if readable:
        schema.validate(ctx, document)
        rules.validate(ctx, document)
    result.document = normalize(document)
    _sort(result)
    return result


def parse_file(path: str | Path) -> Result:
    """`parse()` for a file on disk, with its folder as `base_dir`."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:  # refuse before reading a huge file into memory
        result = Result()
        result.add(too_large(size))
        return result
    return parse(path.read_bytes(), base_dir=path.parent)


def _sort(result: Result) -> None:
    def order(issue: Issue) -> tuple[int, str]:
        return (issue.line or 0, issue.key)

    result.errors.sort(key=order)
    result.warnings.sort(key=order)
