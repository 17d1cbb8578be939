"""Two changes for the lists at 100,000 organizations, measured on PostgreSQL 15:

- The ids of a list (/akteure/: every organization's id, for its count and facets) come from an
  index-only scan of (type, valid_until, id): 18 ms instead of 200 ms of heap reads with the
  old (type, valid_until) index, which does not hold the id on PostgreSQL.
- Extended statistics on the facets' (name, value) pairs: the planner assumed name and value
  independent and expected 2,508 documents with kind=company where there are 70,028; it then
  joined every one of them instead of walking the title index for a page (209 ms, now 0.6 ms).
  SQLite has no such statistics and does not need them for this plan.
- Autovacuum of the documents after 2 % of them changed instead of 20 %: index-only scans read
  the heap for pages not yet marked all-visible. After the benchmark's import of 10,000
  organizations, before autovacuum came, the list ids took 44,938 heap fetches and 54 ms.
"""

from django.db import migrations, models

STATISTICS = "search_facet_name_value"
AUTOVACUUM = (
    "autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.02, "
    "autovacuum_analyze_scale_factor = 0.02"
)


def _create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON name, value "
            "FROM search_searchfacet"
        )
        schema_editor.execute("ANALYZE search_searchfacet")
        schema_editor.execute(f"ALTER TABLE search_searchdocument SET ({AUTOVACUUM})")


def _drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
        schema_editor.execute(
            "ALTER TABLE search_searchdocument RESET (autovacuum_vacuum_insert_scale_factor, "
            "autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_more_places"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="searchdocument",
            name="search_doc_type_valid",
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["type", "valid_until", "id"], name="search_doc_type_valid_id"
            ),
        ),
        migrations.RunPython(_create_statistics, _drop_statistics),
    ]
