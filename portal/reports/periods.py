"""Report periods: a month, a term (January–June or July–December), a year, or custom dates.
Dates are local calendar dates at the meeting place; a period runs from `start` (included) to
`end` (excluded)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 3 * 366  # custom periods up to three years


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # excluded

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def utc(self, zone: str) -> tuple[datetime, datetime]:
        tz = ZoneInfo(zone)
        return (datetime.combine(self.start, datetime.min.time(), tz).astimezone(UTC),
                datetime.combine(self.end, datetime.min.time(), tz).astimezone(UTC))

    def months(self) -> list[date]:
        """First day of every month the period touches."""
        first, months = self.start.replace(day=1), []
        while first < self.end:
            months.append(first)
            first = _add_months(first, 1)
        return months

    def weeks(self) -> list[date]:
        """Monday of every week the period touches."""
        monday = self.start - timedelta(days=self.start.weekday())
        weeks = []
        while monday < self.end:
            weeks.append(monday)
            monday += timedelta(days=7)
        return weeks

    def shifted(self, step: int) -> "Period":
        """The previous (-1) or next (+1) period of the same kind."""
        if self.kind == "month":
            return month(_add_months(self.start, step))
        if self.kind == "term":
            return term(_add_months(self.start, 6 * step))
        if self.kind == "year":
            return year(self.start.replace(year=self.start.year + step))
        length = self.end - self.start
        return Period("custom", self.start + step * length, self.end + step * length)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month(at: date) -> Period:
    start = at.replace(day=1)
    return Period("month", start, _add_months(start, 1))


def term(at: date) -> Period:
    start = date(at.year, 1 if at.month <= 6 else 7, 1)
    return Period("term", start, _add_months(start, 6))


def year(at: date) -> Period:
    return Period("year", date(at.year, 1, 1), date(at.year + 1, 1, 1))


def period_for(kind: str, at: date, start: date | None = None,
               end: date | None = None) -> Period:
    """The period a report asks for; nonsense falls back to the month of `at`."""
    if kind == "custom" and start and end and start <= end and (end - start).days <= MAX_DAYS:
        return Period("custom", start, end + timedelta(days=1))
    return {"term": term, "year": year}.get(kind, month)(at)


def buckets(edges: list[date], end: date, zone: str) -> list[tuple[int, datetime, datetime]]:
    """(index, utc start, utc end) for each bucket that begins at a local date in `edges`."""
    tz = ZoneInfo(zone)
    moments = [datetime.combine(d, datetime.min.time(), tz).astimezone(UTC)
               for d in [*edges, end]]
    return [(i, moments[i], moments[i + 1]) for i in range(len(edges))]
