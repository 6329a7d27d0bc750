"""The deputy mayor's review dashboard: figures, charts, filters, briefing exports."""
