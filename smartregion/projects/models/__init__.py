"""The projects' models: the catalogue (projects, partners, results, transfer profiles, the OZG
taxonomy), adoptions, and questions with their answers."""

from .adoption import Adoption, AdoptionQuerySet
from .catalogue import (
    HTTP_URL,
    MAX_AMOUNT_DIGITS,
    FundingProgramme,
    OzgService,
    OzgSituation,
    OzgSubject,
    Project,
    ProjectPartner,
    ProjectPresentation,
    ProjectQuerySet,
    ProjectResult,
    TransferProfile,
    validate_licence,
)
from .question import ANSWER_DAYS, Question, QuestionQuerySet

__all__ = [
    "ANSWER_DAYS",
    "HTTP_URL",
    "MAX_AMOUNT_DIGITS",
    "Adoption",
    "AdoptionQuerySet",
    "FundingProgramme",
    "OzgService",
    "OzgSituation",
    "OzgSubject",
    "Project",
    "ProjectPartner",
    "ProjectPresentation",
    "ProjectQuerySet",
    "ProjectResult",
    "Question",
    "QuestionQuerySet",
    "TransferProfile",
    "validate_licence",
]
