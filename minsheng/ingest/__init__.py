"""Ingest: read a policy document and propose a target catalog (pure engine in ``domain/``)."""
