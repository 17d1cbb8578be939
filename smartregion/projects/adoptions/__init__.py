"""Adoptions ("Nachnutzung"): services, forms and pages."""
