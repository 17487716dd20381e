"""Why a meeting could not be scheduled, in the reader's language.

The scheduler gives each unscheduled meeting a reason code and its parameters (see
`civitas.scheduling.explain`), besides its English text for the command line. A run stores
them with the instance ids replaced by names (people, sessions, slots, rooms); `text(entry)`
words the reason in the active language when the page is shown. Entries stored before the
codes existed keep their English text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _and(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _sessions(sessions) -> str:
    return _("any session") if sessions is None else ", ".join(sessions)


def _tables(params) -> str:
    if params.get("location"):
        return ngettext(
            "the %(n)s table of %(room)s", "all %(n)s tables of %(room)s", params["tables"]
        ) % {"n": params["tables"], "room": params["location"]}
    return ngettext("the %(n)s table", "all %(n)s tables", params["tables"]) % {
        "n": params["tables"]
    }


def _slots(params) -> str:
    text = ", ".join(params.get("slots") or [])
    if params.get("more"):
        text += " " + _("and %(n)s more") % {"n": params["more"]}
    return text


def _busy(params) -> str:
    return ", ".join(
        ngettext("%(who)s at %(n)s slot", "%(who)s at %(n)s slots", n) % {"who": who, "n": n}
        for who, n in params["busy"]
    )


def text(entry: dict) -> str:
    code, p = entry.get("code"), entry.get("params") or {}
    try:
        if code == "quota_reached":
            return _(
                "%(who)s has reached their quota of %(n)s meetings with requests ranked "
                "before this one: raise the quota or cancel one of them."
            ) % {"who": p["person"], "n": p["quota"]}
        if code == "no_common_availability":
            absent = [(who, n, total) for who, n, total in p["unavailable"] if n] or p[
                "unavailable"
            ]
            details = "; ".join(
                ngettext(
                    "%(who)s is absent at %(n)s of the %(total)s slot of %(where)s",
                    "%(who)s is absent at %(n)s of the %(total)s slots of %(where)s",
                    total,
                )
                % {"who": who, "n": n, "total": total, "where": _sessions(p["sessions"])}
                for who, n, total in absent
            )
            return _("No slot where both are present: %(details)s.") % {"details": details}
        if code == "people_busy":
            return _(
                "%(who)s have no free slot in common in %(where)s: at each of the %(n)s "
                "slots where all are present one of them already has a meeting (%(busy)s). "
                "Free a slot for one of them or open another session."
            ) % {
                "who": _and(p["people"]),
                "where": _sessions(p["sessions"]),
                "n": p["common"],
                "busy": _busy(p),
            }
        if code == "tables_full":
            return _(
                "%(tables)s are taken at every slot where %(who)s are free (%(slots)s): add "
                "tables or another slot."
            ) % {"tables": _tables(p), "who": _and(p["people"]), "slots": _slots(p)}
        if code == "people_busy_and_tables_full":
            return _(
                "%(who)s: of the %(n)s slots where all are present (%(where)s), %(by_people)s "
                "are taken by their other meetings (%(busy)s) and at the %(by_tables)s others "
                "(%(slots)s) %(tables)s are taken."
            ) % {
                "who": _and(p["people"]),
                "n": p["common"],
                "where": _sessions(p["sessions"]),
                "by_people": p["taken_by_people"],
                "busy": _busy(p),
                "by_tables": p["taken_tables"],
                "slots": _slots(p),
                "tables": _tables(p),
            }
        if code == "owner_table_conflict":
            return _(
                "The meeting is restricted to %(room)s but must take place at its host's own "
                "table: lift the room restriction."
            ) % {"room": p["location"]}
        if code == "time_limit":
            return _("Not placed before the time limit: run the scheduling again.")
        if code == "expert_clash":
            return _(
                "%(name)s booked an expert meeting at this time while the scheduling ran: "
                "run it again or place this meeting by hand."
            ) % {"name": p["person"]}
    except (KeyError, TypeError, ValueError):
        pass  # parameters from another version: the stored text below
    return entry.get("reason", "")
