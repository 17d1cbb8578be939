"""Questions and answers about projects ("Fragen & Antworten"): services, forms and pages."""
