"""The database's own full-text index over SearchDocument's stemmed terms.

SQLite: an external-content FTS5 table kept in sync by triggers, so every write of a
SearchDocument updates the index in the same transaction.
PostgreSQL: a generated tsvector column (title terms weighted A, body terms B) with a GIN index,
and pg_trgm on the title for typo-tolerant fallback. The terms are already stemmed and folded by
search.text (the same code for both databases), so the 'simple' configuration is used instead
of 'german': stemming them again with 'german' would mangle stems, and 'german' does not fold
"Muenster" to "Münster". One stemmer for both databases lets one test suite check both.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_terms, body_terms,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title_terms, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(body_terms, '')), 'B')
    ) STORED""",
    "CREATE INDEX search_document_vector ON search_searchdocument USING GIN (vector)",
    """CREATE INDEX search_document_title_trgm ON search_searchdocument
        USING GIN (lower(title) gin_trgm_ops)""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_title_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
