"""The clinician's panel: their patients, most in need of attention first (SPEC §5), or
sorted by a column; filtered, searched and paginated in the database, so a page costs the
same for a clinic of 5 or of 5,000 (issue 14).

Everything the order and the filters need is in SQL: the open and urgent alert counts,
whether a review is due and whether the patient has stopped logging. "Today" is each
patient's own diary day (their time zone and day boundary): the few distinct pairs among
the clinician's patients are read first, and each is turned into a date."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .alerts.rule import NOT_LOGGING_DAYS
from .models import Patient, User
from .models.people import diary_date_at
from .response.rule import Evaluation
from .services.status import RECENT_DAYS

PAGE_SIZE = 25

# sort key → the columns it orders by (each ends with name and id: a total order).
NAME = (Lower("user__last_name").asc(), Lower("user__first_name").asc(), F("pk").asc())
SORTS: dict[str, tuple[Any, ...]] = {
    "attention": (
        F("has_urgent").asc(),
        F("due").asc(),
        F("stopped").asc(),  # a stopped patient after those still on LDN (SPEC §4)
        F("summary__last_entry").asc(nulls_first=True),
        *NAME,
    ),
    "name": NAME,
    "-name": (Lower("user__last_name").desc(), Lower("user__first_name").desc(), F("pk").desc()),
    "week": (F("summary__day_one").asc(nulls_last=True), *NAME),
    "-week": (F("summary__day_one").desc(nulls_last=True), *NAME),
    "last_entry": (F("summary__last_entry").desc(nulls_last=True), *NAME),
    "-last_entry": (F("summary__last_entry").asc(nulls_first=True), *NAME),
    "review": (F("summary__review_on").asc(nulls_last=True), *NAME),
    "-review": (F("summary__review_on").desc(nulls_last=True), *NAME),
    "last_review": (F("summary__last_review_at").desc(nulls_last=True), *NAME),
    "-last_review": (F("summary__last_review_at").asc(nulls_first=True), *NAME),
    "adherence": (F("summary__adherence").asc(nulls_last=True), *NAME),
    "-adherence": (F("summary__adherence").desc(nulls_last=True), *NAME),
}
DEFAULT_SORT = "attention"


@dataclass(frozen=True)
class PanelRow:
    patient: Patient
    status: Evaluation
    open_alerts: int
    urgent_alerts: int
    last_review: dt.datetime | None
    spark: list[int | None]  # the primary outcome, the 28 days ending today (None: no entry)
    url: str  # the record

    @property
    def silent_days(self) -> int | None:
        """Days since the last entry (None: never logged)."""
        last = self.status.last_entry
        return None if last is None else (self.status.today - last).days

    @property
    def not_logging(self) -> bool:
        """3 whole days or more without an entry before today (SPEC §5); not while stopped."""
        if self.status.stopped:
            return False
        return self.silent_days is None or self.silent_days > NOT_LOGGING_DAYS


@dataclass(frozen=True)
class PanelPage:
    rows: list[PanelRow]
    page: Page[Patient]
    sort: str

    @property
    def total(self) -> int:
        return self.page.paginator.count


def patients(
    clinician: User, *, q: str = "", sort: str = DEFAULT_SORT, **filters: Any
) -> tuple[QuerySet[Patient], QuerySet[Patient]]:
    """The clinician's patients, filtered (to count them), and in the panel's order."""
    mine = Patient.objects.visible_to(clinician)
    today, silent_from = _local_dates(mine)
    stopped = Q(summary__ended_on__isnull=False)
    due = Q(summary__day_one__isnull=False, summary__review_on__lte=today) & ~stopped
    silent = (Q(summary__last_entry__isnull=True) | Q(summary__last_entry__lte=silent_from)) & (
        ~stopped
    )
    found = mine
    for word in q.split():
        found = found.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    if filters.get("alerts"):
        found = found.filter(summary__open_alerts__gt=0)
    if filters.get("review"):
        found = found.filter(due)
    if filters.get("silent"):
        found = found.filter(silent)
    if filters.get("stopped"):
        found = found.filter(stopped)
    # What a row does not show stays in the database (the widest columns).
    ordered = (
        found.select_related("user", "summary")
        .defer("user__password", "medicines", "summary__side_effects")
        .annotate(
            has_urgent=Case(
                When(summary__urgent_alerts__gt=0, then=0), default=1, output_field=IntegerField()
            ),
            due=Case(When(due, then=0), default=1, output_field=IntegerField()),
            stopped=Case(When(stopped, then=1), default=0, output_field=IntegerField()),
        )
    )
    return found, ordered.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


class _Counted(Paginator):  # type: ignore[type-arg]
    """Pages of the ordered patients, counted with the plainer query (no sort columns)."""

    def __init__(self, ordered: QuerySet[Patient], counted: QuerySet[Patient]) -> None:
        super().__init__(ordered, PAGE_SIZE)
        self._counted = counted

    @cached_property
    def count(self) -> int:
        return self._counted.count()


def panel(
    clinician: User, *, page: int = 1, sort: str = DEFAULT_SORT, q: str = "", **filters: Any
) -> PanelPage:
    """One page of the panel: a fixed number of queries and rows, whatever the clinic's size
    (each patient's status comes from their stored summary, not their whole diary)."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    counted, ordered = patients(clinician, q=q, sort=sort, **filters)
    paginator = _Counted(ordered, counted)
    shown = paginator.get_page(page)
    people = list(shown.object_list)
    rows = []
    for p in people:
        summary, status = p.summary, p.status()  # type: ignore[attr-defined]
        rows.append(
            PanelRow(
                p,
                status,
                summary.open_alerts,
                summary.urgent_alerts,
                summary.last_review_at,
                _spark(summary.recent, summary.recent_until, status.today),
                reverse("clinician_record", args=[p.pk]),
            )
        )
    return PanelPage(rows, shown, sort)


def _local_dates(mine: QuerySet[Patient]) -> tuple[Case, Case]:
    """Each patient's diary today, and the day from which an unlogged stretch counts as
    not logging, as SQL: one When per (time zone, day boundary) among `mine`."""
    now = timezone.now()
    todays, silents = [], []
    pairs = mine.order_by().values_list("time_zone", "day_boundary").distinct()
    for zone, boundary in pairs:
        today = diary_date_at(now.astimezone(zoneinfo.ZoneInfo(zone)), boundary)
        where = Q(time_zone=zone, day_boundary=boundary)
        todays.append(When(where, then=Value(today)))
        # 3 whole days before today without an entry: the last one 4 or more days ago.
        silents.append(When(where, then=Value(today - dt.timedelta(days=NOT_LOGGING_DAYS + 1))))
    never = Value(dt.date.min)
    return (
        Case(*todays, default=never, output_field=DateField()),
        Case(*silents, default=never, output_field=DateField()),
    )


def _spark(recent: list[int | None], until: dt.date | None, today: dt.date) -> list[int | None]:
    """The stored 4-week line moved on to `today`: the days since it was computed were not
    logged (any entry would have rewritten it)."""
    if until is None or not recent:
        return [None] * RECENT_DAYS
    gap = (today - until).days
    if gap <= 0:
        return list(recent[-RECENT_DAYS:])
    return [*recent[gap:], *([None] * min(gap, RECENT_DAYS))][-RECENT_DAYS:]
