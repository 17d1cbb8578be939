"""Tandem-Partnerschaften aus Jung und Alt: people opt in, the engine pairs experienced with
young people across organizations, both accept, and the tandem gets goals and check-ins."""
