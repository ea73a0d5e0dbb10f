"""Weekly opening hours and whether a store is open now, in the store's own timezone."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _t(value: str) -> time:
    return time.fromisoformat(value)


def is_open(hours: dict[str, list[list[str]]], timezone: str, now: datetime | None = None) -> bool:
    """Open at `now`? An interval whose close is not after its open runs past midnight."""
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone))
    today, clock = DAYS[local.weekday()], local.time().replace(tzinfo=None)
    yesterday = DAYS[(local - timedelta(days=1)).weekday()]
    for start, end in hours.get(today, []):
        opens, closes = _t(start), _t(end)
        if opens < closes and opens <= clock < closes:
            return True
        if closes <= opens and clock >= opens:  # runs past midnight: the evening part
            return True
    for start, end in hours.get(yesterday, []):
        opens, closes = _t(start), _t(end)
        if closes <= opens and clock < closes:  # yesterday's interval, after midnight
            return True
    return False
