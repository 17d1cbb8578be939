"""What each app keeps about a person, for the export (Art. 15/20 DSGVO) and for deletion.

Apps register an exporter `fn(user) -> JSON-able` under a name. Content a person published is not
deleted with the account: its `created_by` becomes NULL and it is credited to "gelöschtes Konto".
Apps that keep personal data that must go with the account register an `erase(user)` hook.
"""

from collections.abc import Callable

_exporters: dict[str, Callable] = {}
_erasers: dict[str, Callable] = {}


def register_exporter(name: str, fn: Callable) -> None:
    _exporters[name] = fn


def register_eraser(name: str, fn: Callable) -> None:
    _erasers[name] = fn


def exporters() -> dict[str, Callable]:
    return dict(_exporters)


def erasers() -> dict[str, Callable]:
    return dict(_erasers)
