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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .alerts.rule import NOT_LOGGING_DAYS, Priority
from .models import Alert, ClinicalReview, DailyEntry, Patient, User
from .models.people import diary_date_at
from .review.rule import Evaluation

PAGE_SIZE = 25
SPARK_DAYS = 28

# sort key → the columns it orders by (each ends with name and id: a total order).
NAME = (Lower("user__last_name").asc(), Lower("user__first_name").asc(), F("pk").asc())
SORTS: dict[str, tuple[Any, ...]] = {
    "attention": (
        F("has_urgent").asc(),
        F("due").asc(),
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
    "last_review": (F("last_review").desc(nulls_last=True), *NAME),
    "-last_review": (F("last_review").asc(nulls_first=True), *NAME),
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
        return self.silent_days is None or self.silent_days >= NOT_LOGGING_DAYS


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
    open_alerts = Alert.objects.filter(patient=OuterRef("pk"), acknowledged_at__isnull=True)
    due = Q(summary__day_one__isnull=False, summary__review_on__lte=today)
    silent = Q(summary__last_entry__isnull=True) | Q(summary__last_entry__lte=silent_from)
    found = mine
    for word in q.split():
        found = found.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    if filters.get("alerts"):
        found = found.filter(Exists(open_alerts))
    if filters.get("review"):
        found = found.filter(due)
    if filters.get("silent"):
        found = found.filter(silent)
    # What a row does not show stays in the database (the widest columns).
    ordered = (
        found.select_related("user", "summary")
        .defer("user__password", "medicines", "summary__side_effects")
        .annotate(
            has_urgent=Case(
                When(Exists(open_alerts.filter(priority=Priority.URGENT)), then=0),
                default=1,
                output_field=IntegerField(),
            ),
            due=Case(When(due, then=0), default=1, output_field=IntegerField()),
        )
    )
    if sort.lstrip("-") == "last_review":  # only then is it needed in SQL
        ordered = ordered.annotate(
            last_review=Subquery(
                ClinicalReview.objects.filter(patient=OuterRef("pk"))
                .order_by("-recorded_at")
                .values("recorded_at")[:1]
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
    statuses = {p.pk: p.status() for p in people}
    sparks = _sparklines(people, statuses)
    # What the page shows of its rows' alerts and reviews: one grouped query each.
    alerts: dict[int, list[int]] = {p.pk: [0, 0] for p in people}
    open_counts = (
        Alert.objects.filter(patient__in=people, acknowledged_at__isnull=True)
        .values_list("patient_id", "priority")
        .annotate(n=Count("id"))
        .order_by()
    )
    for pk, priority, n in open_counts:
        alerts[pk][0] += n
        alerts[pk][1] += n if priority == Priority.URGENT else 0
    reviewed = dict(
        ClinicalReview.objects.filter(patient__in=people)
        .values_list("patient_id")
        .annotate(last=Max("recorded_at"))
        .order_by()
    )
    rows = [
        PanelRow(
            p,
            statuses[p.pk],
            alerts[p.pk][0],
            alerts[p.pk][1],
            reviewed.get(p.pk),
            sparks[p.pk],
            reverse("clinician_record", args=[p.pk]),
        )
        for p in people
    ]
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
        silents.append(When(where, then=Value(today - dt.timedelta(days=NOT_LOGGING_DAYS))))
    never = Value(dt.date.min)
    return (
        Case(*todays, default=never, output_field=DateField()),
        Case(*silents, default=never, output_field=DateField()),
    )


def _sparklines(
    people: Sequence[Patient], statuses: dict[int, Evaluation]
) -> dict[int, list[int | None]]:
    """The primary outcome of each patient on the page over the 28 days ending on their
    today: one query for the page."""
    if not people:
        return {}
    earliest = min(s.today for s in statuses.values()) - dt.timedelta(days=SPARK_DAYS - 1)
    values: dict[int, dict[dt.date, int | None]] = {p.pk: {} for p in people}
    outcome = {p.pk: statuses[p.pk].outcome for p in people}
    rows = DailyEntry.objects.filter(patient__in=people, date__gte=earliest).values_list(
        "patient_id", "date", "pain", "mood", "fatigue"
    )
    for pk, date, pain, mood, fatigue in rows:
        values[pk][date] = {"pain": pain, "mood": mood, "fatigue": fatigue}[outcome[pk]]
    out = {}
    for p in people:
        today = statuses[p.pk].today
        out[p.pk] = [
            values[p.pk].get(today - dt.timedelta(days=n)) for n in range(SPARK_DAYS - 1, -1, -1)
        ]
    return out
