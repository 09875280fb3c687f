"""Persistence: models, engine and sessions, the bulk upsert loader and migrations."""
