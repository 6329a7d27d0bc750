"""The sample report files: only the nine proposals the source article (광주일보, 2023-07-26) names.

Cells the article is silent on are blank — the importer leaves blank cells alone, so importing
these files over the seeded facts changes nothing. They are built from the seed facts at the top
of the house (`dashboard/seed_facts.py`) by `manage.py make_sample_report`.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
XLSX = HERE / "sample_report.xlsx"
CSV = HERE / "sample_report.csv"
