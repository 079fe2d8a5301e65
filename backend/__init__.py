"""Yishi (议事) domain layer: models, services and the application wiring."""
