"""The partnership-records store: the DuckDB database, the importer and the notes (the contract is contract.py)."""
