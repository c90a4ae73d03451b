"""An article's bylines and districts through time: readable history rows and restoring a version.

Contributions and district links have their own simple-history tables. The importer bulk-creates
them without history, so a version's state is found by walking back from the current rows and
undoing every recorded change made after that version was saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.choices import Role, SetBy
from articles.editing import stamp
from articles.models import Article, ArticleDistrict, Author, Contribution, District

# model, the label editors see, the edited_fields name a re-import respects, the fields that matter to readers
RELATED = (
    (Contribution, "署名", "authors", ("author_id", "role", "position")),
    (ArticleDistrict, "区县", "districts", ("district_id", "score")),
)
ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}
BASELINE_REASON = "导入时的原始状态"


def _values(row, fields) -> tuple:
    return tuple(getattr(row, f) for f in fields)


def _names(model, rows) -> dict[int, str]:
    """Author or district names for the rows' foreign keys, in one query (deleted ones stay unnamed)."""
    if model is Contribution:
        return dict(Author.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "name"))
    return dict(District.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "name"))


def _describe(model, values: tuple, names: dict[int, str]) -> str:
    name = names.get(values[0], "(已删除)")
    if model is Contribution:
        return f"{dict(Role.choices).get(values[1], values[1])} {name}"
    return name


def ensure_baseline(model, article: Article) -> None:
    """Record the importer's rows once, dated to the import, before an editor first changes them.

    Without it a later change to an importer row would have no "before" to revert to.
    """
    rows = list(model.objects.filter(article_id=article.pk))
    recorded = set(model.history.filter(id__in=[r.pk for r in rows]).values_list("id", flat=True))
    missing = [r for r in rows if r.pk not in recorded]
    for row in missing:
        row._history_user = None  # the importer, not the editor whose request this is
    if missing:
        model.history.bulk_history_create(missing, default_date=article.created_at, default_change_reason=BASELINE_REASON)


def state_at(model, fields, article_id: int, when) -> dict[int, tuple]:
    """Rows (id -> values) the article had at `when`: today's rows with later changes undone."""
    state = {row.pk: _values(row, fields) for row in model.objects.filter(article_id=article_id)}
    records = list(model.history.filter(article_id=article_id).order_by("history_date", "history_id"))
    earlier: dict[int, tuple] = {}  # each row's values just before the record being undone
    before: dict[int, tuple | None] = {}
    for record in records:
        before[record.history_id] = earlier.get(record.id)
        earlier[record.id] = _values(record, fields)
    for record in reversed(records):
        if record.history_date <= when:
            break
        if record.history_type == "+":
            state.pop(record.id, None)
        elif record.history_type == "-":
            state[record.id] = _values(record, fields)
        elif before[record.history_id] is not None:
            state[record.id] = before[record.history_id]
        # a change to a row with no earlier record: its old values are unknown, keep them
    return state


@dataclass
class RelatedPlan:
    label: str
    field: str
    wanted: list[str]  # what the version had, as the editor reads it
    changes: bool


def restore_plan(article: Article, when) -> list[RelatedPlan]:
    plans = []
    for model, label, field, fields in RELATED:
        target = state_at(model, fields, article.pk, when)
        current = {row.pk: _values(row, fields) for row in model.objects.filter(article_id=article.pk)}
        names = _names(model, target.values())
        ordered = sorted(target.values(), key=lambda v: (v[2], v[0]) if model is Contribution else (names.get(v[0], ""),))
        plans.append(RelatedPlan(label, field, [_describe(model, v, names) for v in ordered], target != current))
    return plans


def restore(article: Article, when, user, reason: str) -> set[str]:
    """Put the article's bylines and districts back as they were at `when`. Returns the changed edited_fields."""
    changed = set()
    for model, _label, field, fields in RELATED:
        target = state_at(model, fields, article.pk, when)
        alive = set((Author if model is Contribution else District).objects.filter(pk__in={v[0] for v in target.values()}).values_list("pk", flat=True))
        current = {row.pk: row for row in model.objects.filter(article_id=article.pk)}
        for pk, values in list(target.items()):
            if values[0] not in alive:  # the person was merged away or the district removed: keep today's row
                target.pop(pk)
                if pk in current:
                    target[pk] = _values(current[pk], fields)
        stale = [row for pk, row in current.items() if target.get(pk) != _values(row, fields)]
        if not stale and target.keys() <= current.keys():
            continue
        changed.add(field)
        ensure_baseline(model, article)
        kept = current.keys() - {row.pk for row in stale}  # before delete(), which clears row.pk
        for row in stale:  # changed rows are removed and re-added under the same id: never a unique clash
            stamp(row, user, reason).delete()
        for pk, values in target.items():
            if pk not in kept:
                row = model(pk=pk, article_id=article.pk, set_by=SetBy.EDITOR, **dict(zip(fields, values)))
                stamp(row, user, reason).save(force_insert=True)
        # As after an inline edit: the whole set is the editor's now, a re-import keeps it.
        model.objects.filter(article_id=article.pk).update(set_by=SetBy.EDITOR)
    return changed


def history_entries(article_id: int, newer_than=None, up_to=None) -> list[dict]:
    """Readable rows for the article's history page: who changed which byline or district, when and why.

    Only records in (newer_than, up_to): the time span of the page of article versions shown.
    """
    entries = []
    for model, label, _field, fields in RELATED:
        records = model.history.filter(article_id=article_id).select_related("history_user").order_by("history_date", "history_id")
        records = list(records)
        names = _names(model, [_values(r, fields) for r in records])
        last: dict[int, tuple] = {}
        for record in records:
            values, previous = _values(record, fields), last.get(record.id)
            last[record.id] = values
            if (newer_than and record.history_date <= newer_than) or (up_to and record.history_date >= up_to):
                continue
            if record.history_change_reason == BASELINE_REASON:
                continue  # bookkeeping for revert, not an edit
            text = _describe(model, values, names)
            if record.history_type == "~":
                if previous is None or _describe(model, previous, names) == text:
                    continue  # only the source flag changed: nothing a reader sees
                text = f"{_describe(model, previous, names)} → {text}"
            entries.append({
                "related": True, "label": label, "action": ACTIONS.get(record.history_type, record.history_type), "text": text,
                "history_date": record.history_date, "history_user": record.history_user,
                "history_change_reason": record.history_change_reason,
            })
    return entries
