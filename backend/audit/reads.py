"""Reading the audit log is itself recorded: who read it, with which filter, and how much came
back, never what (the events read are already in the log; copying them would only grow it)."""
import datetime as dt

from .log import record


def filters_of(args: dict, names: tuple[str, ...]) -> dict:
    """The filter as asked, for the record (dates as text; the page size and paging kept,
    so a crawl through the whole log shows as many reads)."""
    return {name.rstrip("_"): (value.isoformat() if isinstance(value, dt.date) else value)
            for name, value in args.items() if name in names}


def record_read(action: str, reader, filters: dict, count: int) -> None:
    """One event in the caller's transaction: `action` ("list", "search" or "export") on the
    audit log by `reader`, its filter and how many events it returned."""
    record(action, "audit", "*", user=reader, detail={**filters, "count": count})
