"""publiccode.yml: parse, validate and write the software description standard.

    from smartregion.projects import publiccode

    result = publiccode.parse(data)            # bytes of an upload / API body
    result = publiccode.parse_file(path)       # a file in a checked-out repository
    result.verdict       # "valid" | "valid_with_warnings" | "invalid"
    result.errors        # [Issue(key="legal.license", message="…", message_en="…", line=12)]
    result.warnings      # deprecated keys, lower-case country codes, old versions
    result.document      # the parsed file as plain data, normalized
    text = publiccode.dump(document)          # valid publiccode.yml, or InvalidPubliccodeError

Validation = the standard's JSON Schema (SchemaStore, adjusted as documented in schema.py)
plus the rules of the standard as the official validator publiccode-parser-go applies them,
including which findings are errors and which are warnings. It runs fully offline, like the
parser's `-no-network` mode: URLs are checked for their form but never fetched, remote logos
are not downloaded. Agreement with the parser's own test corpus: bench/publiccode_agreement.py.

This package imports nothing from Django, so it can be used and tested on its own.
"""

from .core import parse, parse_file
from .export import dump
from .issues import InvalidPubliccodeError, Issue, Result
from .loader import MAX_BYTES
from .versions import LATEST_VERSION, SUPPORTED_VERSIONS

__all__ = [
    "LATEST_VERSION",
    "MAX_BYTES",
    "SUPPORTED_VERSIONS",
    "InvalidPubliccodeError",
    "Issue",
    "Result",
    "dump",
    "parse",
    "parse_file",
]
