"""Import of the consultancy report's table (xlsx/csv) into the portfolio.

Reading (`readers`), parsing and normalising (`columns`, `parse`), comparing with the database
(`plan`) and writing in bulk (`apply`) are separate steps; `services` ties them to an
`ImportRun`. This package's `__init__` stays import-free: `projects.models` imports
`projects.importer.models` while the app registry loads.
"""
