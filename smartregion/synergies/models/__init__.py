"""The synergy engine's results in the database, the members' alert settings and tandems."""

from .alerts import AlertSettings, NeedAlert, NeedCoverage
from .index import IndexChange
from .projects import ProjectSuggestion, ProjectSuggestionQuerySet
from .suggestions import Suggestion, SuggestionQuerySet
from .tandems import Tandem, TandemProfile

__all__ = [
    "AlertSettings",
    "IndexChange",
    "NeedAlert",
    "NeedCoverage",
    "ProjectSuggestion",
    "ProjectSuggestionQuerySet",
    "Suggestion",
    "SuggestionQuerySet",
    "Tandem",
    "TandemProfile",
]
