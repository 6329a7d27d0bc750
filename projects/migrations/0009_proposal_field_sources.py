# Provenance per field (projects.provenance): add Proposal.field_sources and fill it from what
# each row already said of itself: its row-wide `data_source`, its `inferred_fields`, and, for
# status, confidence and progress, the author of its latest status update.
#
# The backfill is a snapshot of the rules of this migration, not the running code. What it
# cannot know it leaves unsaid: which import run wrote a report row (no run number), and which
# fields of an article row a later report import changed (those rows keep the article mark
# until the next import or edit re-marks them).

from django.db import migrations, models

ARTICLE_PUBLISHED = "2023-07-26"
# The three titles that shorten the article's words, with its own phrase (dashboard.seed_facts).
SHORTENED = {
    "기사-05": "광양에 희소금속 비축·재자원화 거점을 조성하자는 방안",
    "기사-08": "정부 연구기관을 유치하고",
    "기사-09": "공공지원 건축물을 건립하는",
}
FACTS = (
    ("title", ("title",)),
    ("pillar", ("pillar_id",)),
    ("lead_department", ("lead_department_id",)),
    ("summary", ("summary",)),
    ("origin", ("origin",)),
    ("period", ("start_year", "end_year")),
    ("budget_million", ("budget_million",)),
    ("funding", ("fund_national", "fund_province", "fund_city", "fund_private")),
    ("partner_ministry", ("partner_ministry",)),
    ("partner_companies", ("partner_companies",)),
    ("notes", ("notes",)),
)
KIND = {"article": "article", "report": "report", "manual": "edit", "demo": "demo"}


def _has(proposal, attrs) -> bool:
    return any(getattr(proposal, a) not in (None, "", False) for a in attrs)


def _sources(proposal, latest) -> dict:
    kind = KIND.get(proposal.data_source, "edit")
    at = ARTICLE_PUBLISHED if kind == "article" else proposal.created_at.date().isoformat()
    sources = {}
    for fact, attrs in FACTS:
        if not _has(proposal, attrs):
            continue
        entry = {"source": kind, "at": at}
        if kind == "article":
            if fact == "title":
                phrase = SHORTENED.get(proposal.management_no)
                entry["verbatim"] = phrase is None
                if phrase:
                    entry["phrase"] = phrase
            else:
                entry["verbatim"] = False
        sources[fact] = entry
    for name in proposal.inferred_fields or []:
        fact = {"start_year": "period", "end_year": "period"}.get(name, name)
        sources[fact] = {"source": "inferred", "at": at}
    if latest is not None:
        entry = {
            "source": "demo" if latest.is_demo else "edit",
            "at": latest.created_at.isoformat(timespec="seconds"),
            "user": latest.author_id,
        }
        author = latest.author
        name = f"{author.first_name} {author.last_name}".strip() or author.username
        entry["by"] = name
        for fact in ("status", "confidence", "progress"):
            sources[fact] = dict(entry)
    return sources


def backfill(apps, schema_editor):
    Proposal = apps.get_model("projects", "Proposal")
    StatusUpdate = apps.get_model("projects", "StatusUpdate")
    latest = {}
    for update in StatusUpdate.objects.select_related("author").order_by("created_at", "id"):
        latest[update.proposal_id] = update
    batch = []
    for proposal in Proposal.objects.all().iterator(chunk_size=1000):
        proposal.field_sources = _sources(proposal, latest.get(proposal.pk))
        batch.append(proposal)
        if len(batch) >= 1000:
            Proposal.objects.bulk_update(batch, ["field_sources"])
            batch = []
    if batch:
        Proposal.objects.bulk_update(batch, ["field_sources"])


class Migration(migrations.Migration):
    dependencies = [
        ('projects', '0008_proposal_former_codes'),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="field_sources",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="항목별로 지금 값의 출처(기사, 보고서, 수정한 사람, 추정, 데모)와 날짜입니다.",
                verbose_name="항목별 출처",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
