"""Import of the consultancy report's table (xlsx/csv) into the portfolio.

Reading (`readers`), parsing and normalising (`columns`, `parse`), comparing with the database
(`plan`) and writing in bulk (`apply`) are separate steps; `services` ties them to an
`ImportRun`. Web pages (`views`, `forms`, `urls`), Celery jobs (`tasks`) and the
`import_report` command sit on top. This app uses `projects` and `accounts`; `projects` never
imports it.
"""
