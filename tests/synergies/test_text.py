"""German text handling of the synergy engine: stems, umlauts, stop words, compounds."""

from smartregion.synergies.engine.text import STOP_WORDS, Analyzer, fold, vocabulary


def _analyzer(*texts: str) -> Analyzer:
    return Analyzer(vocabulary(texts))


def _words(analyzer: Analyzer, text: str) -> set[str]:
    """Word terms only (no character n-grams)."""
    return {term for term, _weight, _word in analyzer.terms(text) if not term.startswith("~")}


def test_inflected_forms_share_a_stem():
    analyzer = _analyzer()
    assert _words(analyzer, "Schulen") == _words(analyzer, "Schule")
    assert _words(analyzer, "Kommunen") == _words(analyzer, "Kommune")


def test_umlauts_and_their_transliterations_match():
    analyzer = _analyzer()
    assert (
        _words(analyzer, "Münster") == _words(analyzer, "Muenster") == _words(analyzer, "Munster")
    )
    assert _words(analyzer, "Straße") == _words(analyzer, "Strasse")
    assert fold("Förderung Größe") == "forderung grosse"


def test_stop_words_are_dropped():
    analyzer = _analyzer()
    assert _words(analyzer, "und für die mit von der") == set()
    assert "und" in STOP_WORDS


def test_cybersicherheit_shares_a_term_with_it_sicherheit():
    analyzer = _analyzer("IT-Sicherheit für KMU", "Cybersicherheit im Mittelstand")
    assert _words(analyzer, "Cybersicherheit") & _words(analyzer, "IT-Sicherheit")


def test_schuldigitalisierung_matches_digitalisierung_von_schulen():
    analyzer = _analyzer("Digitalisierung von Schulen", "Schuldigitalisierung")
    compound = _words(analyzer, "Schuldigitalisierung")
    phrase = _words(analyzer, "Digitalisierung von Schulen")
    assert phrase <= compound  # both "Schule" and "Digitalisierung" are parts of the compound


def test_linking_elements_are_removed_when_splitting():
    analyzer = _analyzer("Arbeit", "Platz", "Verwaltung", "Digitalisierung")
    assert analyzer.split("arbeitsplatz") == ("arbeit", "platz")
    assert analyzer.split("verwaltungsdigitalisierung") == ("verwaltung", "digitalisierung")


def test_words_that_only_look_like_compounds_stay_whole():
    analyzer = _analyzer("Schule", "hoch", "nehmen", "unter", "isierung", "Modern", "setzt")
    assert analyzer.split("hochschule") == ()
    assert analyzer.split("unternehmen") == ()
    assert analyzer.split("modernisierung") == ()  # -isierung is a suffix, not a word
    assert analyzer.split("umgesetzt") == ()  # a participle, not "umge|setzt"


def test_a_compound_part_weighs_less_than_the_whole_word():
    analyzer = _analyzer("Abfall", "Entsorgung")
    weights = dict(analyzer.word_terms("Abfallentsorgung"))
    whole = max(weights.values())
    assert weights["abfall"] < whole and weights["entsorg"] < whole


def test_every_term_keeps_the_word_as_written():
    analyzer = _analyzer("IT-Sicherheit")
    written = {word for _term, _weight, word in analyzer.terms("Wir bieten IT-Sicherheit an.")}
    assert written == {"IT-Sicherheit"}
