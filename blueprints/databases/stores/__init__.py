"""The platform's stores, one module each (see `blueprints/databases/store.py` for the interface)."""
