"""The synergy engine's results in the database, the members' alert settings and tandems."""

from .alerts import AlertSettings, NeedAlert, NeedCoverage
from .suggestions import Suggestion, SuggestionQuerySet
from .tandems import Tandem, TandemProfile

__all__ = [
    "AlertSettings",
    "NeedAlert",
    "NeedCoverage",
    "Suggestion",
    "SuggestionQuerySet",
    "Tandem",
    "TandemProfile",
]
