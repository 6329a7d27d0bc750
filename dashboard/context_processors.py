"""Template context of the dashboard app: which sources the footer may name."""

from __future__ import annotations

from functools import cached_property

from django.db import connection

from imports.models import ImportRun, ImportState
from projects.models import DataSource, Proposal
from reviews.models import ReviewMeeting


class LoadedSources:
    """Whether data from the article (the seed) and from the report (an applied import) is
    loaded: read with one query, only if the page's footer asks."""

    @cached_property
    def _flags(self) -> tuple[bool, bool]:
        quote = connection.ops.quote_name
        proposals = quote(Proposal._meta.db_table)
        meetings = quote(ReviewMeeting._meta.db_table)
        runs = quote(ImportRun._meta.db_table)
        # Identifiers come from the models' meta; values travel as parameters.
        sql = (
            f"SELECT EXISTS(SELECT 1 FROM {proposals} WHERE data_source = %s)"  # noqa: S608
            f" OR EXISTS(SELECT 1 FROM {meetings} WHERE data_source = %s),"
            f" EXISTS(SELECT 1 FROM {runs} WHERE state = %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [DataSource.ARTICLE, DataSource.ARTICLE, ImportState.APPLIED])
            article, report = cursor.fetchone()
        return bool(article), bool(report)

    @property
    def article(self) -> bool:
        return self._flags[0]

    @property
    def report(self) -> bool:
        return self._flags[1]


def data_sources(request):
    """Expose `loaded_sources` (lazy): the footer cites a source only when its data is loaded."""
    return {"loaded_sources": LoadedSources()}
