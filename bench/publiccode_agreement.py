"""publiccode.yml validator vs the official one (issue 5): agreement on its own test corpus.

    python bench/publiccode_agreement.py [--shared ../shared] [--runs 5]

The official validator, publiccode-parser-go, keeps a corpus of test files whose folder says
the verdict it gives them: valid/, valid_with_warnings/, invalid/ (and, in the v1 tree,
invalid_valid_in_v0/ and invalid_valid_with_warnings_in_v0/: files that are invalid there
because version "1" is not supported). This script runs smartregion's validator on every
*.yml of the corpus, with the file's folder as base_dir (as the parser's tests do), and prints

- the share of files where our verdict equals the known one: overall, per verdict, per
  version tree, and every disagreement with its reason;
- for invalid files whose name says which key is wrong (KEYNAME_REASON.yml, the corpus'
  naming rule), the share where one of our errors points at that key;
- the same agreement for a baseline measured in the same run: yaml.safe_load plus the
  SchemaStore JSON Schema alone (what a naive validator would do), and the time per file of
  both (median of --runs);
- the verdict and first reasons for every real file in ../shared/data/publiccode/real.

Like the parser's `-no-network` mode, nothing is fetched: URL reachability and remote logos
are not checked.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smartregion.projects import publiccode  # noqa: E402

# Why we give another verdict than the corpus folder (same list as tests/projects/
# test_publiccode.py, which fails if this set changes).
EXPLAINED = {
    "v0/invalid/logo_missing_url.yml": (
        "network: the logo is a remote URL that answers 404; only a download shows that, and "
        "we never fetch (the parser's -no-network mode accepts this file too)"
    ),
    "v0/invalid/organisation_uri_wrong_italian_pa2.yml": (
        "'urn:x-italian-pa:no_such_pa' has the form of an iPA code; the parser looks codes up in "
        "the full list of Italian administrations (indicepa.gov.it), which is not shipped"
    ),
    "v0/invalid/fundedBy_uri_wrong_italian_pa2.yml": (
        "'urn:x-italian-pa:no_such_pa' in fundedBy: well-formed; only the full list of Italian "
        "administrations (indicepa.gov.it), which is not shipped, shows the code does not exist"
    ),
    "v1/valid/valid.yml": (
        'publiccodeYmlVersion "1": the parser of this corpus does not support version 1 (its '
        "SupportedVersions ends at 0.x and every other file of the v1 tree is expected to fail "
        "with 'unsupported version'); the folder anticipates a v1 parser that does not exist yet"
    ),
}


def expected_verdict(relative: Path) -> str:
    folder = relative.parts[1]
    return folder if folder in ("valid", "valid_with_warnings") else "invalid"


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(path for path in corpus.rglob("*.yml") if path.is_file())


def baseline_verdict(path: Path, validator: jsonschema.Draft7Validator) -> str:
    try:
        document = yaml.safe_load(path.read_bytes())
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return "invalid"
    try:
        # PyYAML's YAML 1.1 reading turns dates into date objects; JSON cannot hold them
        document = json.loads(json.dumps(document, default=str))
    except (TypeError, ValueError):
        return "invalid"
    return "valid" if validator.is_valid(document) else "invalid"


def key_named_by_file(stem: str, result: publiccode.Result) -> bool | None:
    """Does an error point at the key the file name names (or at its parent)? None if the
    name names no key."""
    if stem.split("_")[0] in ("file", "invalid", "mostly", "unknown"):
        return None
    for error in result.errors:
        key = re.sub(r"\[\d+\]", "", error.key).replace(".", "_").lower()
        if any(k and stem.lower().startswith(k) for k in (key, key.rsplit("_", 1)[0])):
            return True
    return False


def timed(function, paths, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for path in paths:
            function(path)
        samples.append((time.perf_counter() - start) / len(paths) * 1000)
    return statistics.median(samples)


def share(hits: int, total: int) -> str:
    return f"{hits:4d}/{total:<4d} {100 * hits / total:6.2f} %" if total else "   –"


def agreement(corpus: Path, runs: int) -> None:
    files = corpus_files(corpus)
    validator = jsonschema.Draft7Validator(publiccode.data.schema())
    by_verdict, by_tree, baseline_hits = defaultdict(Counter), defaultdict(Counter), 0
    disagreements, key_checks = [], Counter()
    for path in files:
        relative = path.relative_to(corpus)
        want = expected_verdict(relative)
        result = publiccode.parse_file(path)
        hit = result.verdict == want
        for table, bucket in ((by_verdict, want), (by_tree, relative.parts[0])):
            table[bucket]["hit" if hit else "miss"] += 1
        baseline_hits += baseline_verdict(path, validator) == want
        if not hit:
            disagreements.append((str(relative), want, result))
        if want == "invalid" and relative.parts[0] == "v0" and result.errors:
            named = key_named_by_file(path.stem, result)
            if named is not None:
                key_checks["hit" if named else "miss"] += 1
                if not named:
                    print(f"  (error not at the named key: {relative}: {result.errors[0].key})")
    total = len(files)
    hits = sum(c["hit"] for c in by_verdict.values())
    print(f"\nAgreement with publiccode-parser-go on its corpus ({corpus}):")
    print(f"  overall                     {share(hits, total)}")
    for name, counts in sorted(by_verdict.items()):
        print(f"  expected {name:19} {share(counts['hit'], counts['hit'] + counts['miss'])}")
    for name, counts in sorted(by_tree.items()):
        print(f"  tree {name:23} {share(counts['hit'], counts['hit'] + counts['miss'])}")
    print(
        f"  baseline (safe_load + SchemaStore schema alone, valid/invalid only) "
        f"{share(baseline_hits, total)}"
    )
    named_total = key_checks["hit"] + key_checks["miss"]
    print(
        f"  invalid v0 files whose name names a key: an error at that key "
        f"{share(key_checks['hit'], named_total)}"
    )
    print(f"\nDisagreements ({len(disagreements)}):")
    for relative, want, result in disagreements:
        reason = EXPLAINED.get(relative, "UNEXPLAINED")
        first = result.errors[0].message_en if result.errors else "no error"
        print(f"  {relative}: expected {want}, got {result.verdict} ({first})\n      why: {reason}")
    ours = timed(publiccode.parse_file, files, runs)
    base = timed(lambda p: baseline_verdict(p, validator), files, runs)
    print(
        f"\nTime per file, median of {runs} runs over {total} files: smartregion {ours:.2f} ms, "
        f"baseline {base:.2f} ms (ratio {ours / base:.1f}x)"
    )


def real_files(folder: Path) -> None:
    print(f"\nReal files ({folder}), checked as uploads (no repository around them):")
    for path in sorted(folder.glob("*.yml")):
        result = publiccode.parse(path.read_bytes())
        counts = f"{len(result.errors)} errors, {len(result.warnings)} warnings"
        print(f"  {path.name}: {result.verdict} ({counts})")
        for issue in (result.errors or result.warnings)[:3]:
            line = f" line {issue.line}" if issue.line else ""
            print(f"      {issue.severity}{line} {issue.key or '(file)'}: {issue.message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = args.shared / "data" / "publiccode"
    if not (base / "parser_go_testdata").is_dir():
        print(f"skipped: {base} not found (pass --shared PATH)")
        return
    agreement(base / "parser_go_testdata" / "testdata", args.runs)
    real_files(base / "real")


if __name__ == "__main__":
    main()
