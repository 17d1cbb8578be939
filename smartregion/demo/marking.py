"""How demo texts say they are demo ("Demo-Eintrag", "Erfundenes Demo-Angebot: …"), and how to
read them without that note: the synergy engine compares texts, and two demo entries must not
match because both say "erfunden" or "Demo"."""

import re

_NOTES = re.compile(
    r"\*?Demo-Eintrag:[^*\n]*\*?"  # the projects' closing note
    r"|\*?Das folgende Angebot ist ein erfundenes Beispiel der Demo\.\*?"
    r"|Erfundenes Demo-\w+:\s*"  # the prefix of invented offers and needs
    r"|Synthetischer Demo-Eintrag\.\s*"  # smartregion generate
    r"|\((?:Ort in der Demo angenommen|Angabe der Demo|Antwort der Demo)\.?\)"
)


def without_notes(text: str) -> str:
    return _NOTES.sub("", text).strip()
