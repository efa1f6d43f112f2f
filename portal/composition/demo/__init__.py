"""Demo seeding (``manage.py seed_demo``): the catalogue in ``catalogue/`` is data, loaded by
the same loader real deployments use (``manage.py catalogue_load``); the demo's people,
records, grants, keys and ledger entries are made here in code."""

from pathlib import Path

DEMO_CATALOGUE = Path(__file__).resolve().parent / "catalogue"
