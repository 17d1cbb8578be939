"""Files the publiccode.yml points to: logo, screenshots, authors file.

Like the official parser with `-no-network`: absolute paths and file:// URLs are errors;
http(s) URLs are accepted unchecked (nothing is fetched); a relative path must have an
allowed extension and, when the caller names the repository folder (`base_dir`), must
exist there; a PNG logo must be a real PNG at least 120 px wide (the parser's floor).
Without `base_dir` (an uploaded file on its own) existence cannot be checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .context import Context
from .messages import quote

LOGO_EXTENSIONS = (".svg", ".svgz", ".png")
SCREENSHOT_EXTENSIONS = (".jpg", ".png")
MIN_LOGO_WIDTH = 120
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def validate(ctx: Context, doc: dict[str, Any]) -> None:
    for key in ("logo", "monochromeLogo"):
        if isinstance(doc.get(key), str) and doc[key]:
            _check(ctx, key, doc[key], LOGO_EXTENSIONS, logo=True)
    for lang, desc in (
        (doc.get("description") or {}).items() if isinstance(doc.get("description"), dict) else []
    ):
        shots = desc.get("screenshots") if isinstance(desc, dict) else None
        for i, shot in enumerate(shots if isinstance(shots, list) else []):
            if isinstance(shot, str) and shot:
                _check(ctx, f"description.{lang}.screenshots[{i}]", shot, SCREENSHOT_EXTENSIONS)
    legal = doc.get("legal")
    authors = legal.get("authorsFile") if isinstance(legal, dict) else None
    if isinstance(authors, str) and authors:
        _check(ctx, "legal.authorsFile", authors, None)


def _check(
    ctx: Context, key: str, value: str, extensions: tuple[str, ...] | None, logo: bool = False
) -> None:
    if value.startswith("/") or value.lower().startswith("file:"):
        ctx.error(
            key,
            f"„{quote(value)}“ ist ein absoluter Pfad. Erlaubt sind nur Pfade relativ zum "
            "Repository (z. B. img/logo.svg) oder Web-Adressen (https://…).",
            f"{key} is an absolute path or file:// URL. Only relative paths or HTTP(s) URLs "
            "allowed",
            "absolute_path",
        )
        return
    if urlsplit(value).scheme:
        return  # a URL: would need the network, which is never used
    if extensions and not value.lower().endswith(extensions):
        ctx.error(
            key,
            f"„{quote(value)}“ hat kein erlaubtes Dateiformat; erlaubt: "
            f"{', '.join(ext.lstrip('.').upper() for ext in extensions)}.",
            f"invalid file extension for: {value}",
            "invalid_extension",
        )
        return
    if ctx.base_dir is None:
        return
    path = _inside(ctx.base_dir, value)
    if path is None:
        ctx.error(
            key,
            f"„{quote(value)}“ zeigt aus dem Repository heraus.",
            f"{key} points outside the repository",
            "outside_repository",
        )
    elif not path.is_file():
        ctx.error(
            key,
            f"Die Datei „{quote(value)}“ gibt es im Repository nicht. Prüfen Sie Pfad und "
            "Schreibweise (relativ zum Ordner der publiccode.yml).",
            f"no such file: {value}",
            "missing_file",
        )
    elif logo and path.suffix.lower() == ".png":
        _check_png(ctx, key, value, path)


def _inside(base_dir: Path, value: str) -> Path | None:
    base = base_dir.resolve()
    path = (base / value).resolve()
    return path if path == base or base in path.parents else None


def _check_png(ctx: Context, key: str, value: str, path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(24)
    if not head.startswith(_PNG_SIGNATURE) or head[12:16] != b"IHDR":
        ctx.error(
            key,
            f"„{quote(value)}“ ist kein gültiges PNG-Bild.",
            "image: unknown format",
            "invalid_image",
        )
        return
    width = int.from_bytes(head[16:20], "big")
    if width < MIN_LOGO_WIDTH:
        ctx.error(
            key,
            f"Das Logo „{quote(value)}“ ist {width} Pixel breit; verlangt sind mindestens "
            f"{MIN_LOGO_WIDTH} (besser eine SVG-Datei).",
            f"invalid image size of {width} (min {MIN_LOGO_WIDTH}px of width)",
            "image_too_small",
        )
