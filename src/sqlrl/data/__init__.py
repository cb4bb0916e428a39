"""Datasets for text-to-SQL: loaders, schema rendering and the bundled demo data."""
