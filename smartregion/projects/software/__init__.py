"""A project's software part as publiccode.yml: upload, import, API and export (the validator
itself is smartregion.projects.publiccode, which imports nothing from Django)."""
