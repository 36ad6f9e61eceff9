"""The partnership-records store: the DuckDB database, the importer and the notes (the contract is contract.py)."""

from store import history, targets

# Every write, whichever module makes it, first copies foundation.toml's targets into a database that lacks them.
history.BEFORE_WRITE.append(targets.seed)
