"""The partnership-records store: the import contract, the DuckDB database and the importer."""
