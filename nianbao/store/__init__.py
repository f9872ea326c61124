"""The filings store: checked filings by institution, year and kind (SQLite or PostgreSQL).

`Store.open(path_or_url)` opens, creates or migrates a store; `default_store_path()` is where
the SQLite file lives when nothing else is said. `nianbao.store.cli_support` holds what the
command line calls.
"""

from nianbao.store.db import StoreError, default_store_path, resolve_store
from nianbao.store.filings import (
    FilingRef,
    Institution,
    Store,
    StoredFiling,
    Transaction,
    institution_key,
    normalise_name,
)

__all__ = [
    "FilingRef",
    "Institution",
    "Store",
    "StoreError",
    "StoredFiling",
    "Transaction",
    "default_store_path",
    "institution_key",
    "normalise_name",
    "resolve_store",
]
