"""The portfolio version: one row that database triggers move whenever the dashboard's data does.

The triggers (installed by this app's migrations, see `dashboard.version`) watch every table
the dashboard reads, so a write of any kind moves this row: the services, the admin, a
`QuerySet.update`, a bulk import or raw SQL. The dashboard cache is keyed on it.

Both models came from the reviews app; their tables kept the names they had there.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PortfolioVersion(models.Model):
    """The single row (id 1) the version triggers bump; never written by application code."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    # PostgreSQL: the transaction that bumped it last (unique, never reused); SQLite: 0.
    txid = models.BigIntegerField(_("마지막 변경 트랜잭션"), default=0)
    bumps = models.BigIntegerField(_("변경 횟수"), default=0)
    bumped_at = models.DateTimeField(_("마지막 변경 시각"), null=True)

    class Meta:
        db_table = "reviews_portfolioversion"
        verbose_name = _("포트폴리오 버전")
        verbose_name_plural = _("포트폴리오 버전")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="portfolio_version_single_row"),
        ]

    def __str__(self):
        return f"{self.txid}.{self.bumps}"


class PortfolioWriteMark(models.Model):
    """A transaction that wrote to a watched table and has not committed yet (PostgreSQL).

    The first stage of the triggers inserts it (a row of its own, so it never waits for another
    transaction); inserting it queues the second stage last in the commit, after every foreign
    key check, and that stage bumps the version and deletes the mark. Never written by
    application code; empty outside an open transaction.
    """

    txid = models.BigIntegerField(primary_key=True)

    class Meta:
        db_table = "reviews_portfoliowritemark"
        verbose_name = _("포트폴리오 쓰기 표시")
        verbose_name_plural = _("포트폴리오 쓰기 표시")

    def __str__(self):
        return str(self.txid)
