"""Files: create, update, delete with a reason, search, the known-child proposal."""

from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import F, Max, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal

from ..models import Child, File, Reporter, normalise_name
from . import deadlines
from .access import visible_files


class FileError(Exception):
    pass


def next_number(received: datetime) -> str:
    """IP-YYYY-NNNNNN, numbered per year of receipt."""
    year = timezone.localtime(received).year
    prefix = f"IP-{year}-"
    last = (
        File.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:06d}"


def refresh_deadline(file: File) -> None:
    """The one function that stores evaluation deadlines, called whenever a file, a child,
    their types of danger or their conclusion change: each child's own deadline
    (`deadlines.child_evaluation_due`), then the file's (`deadlines.file_evaluation_due`:
    the earliest of the children still without a conclusion, none when all are concluded)."""
    received = deadlines.received_on(file)
    children = list(file.children.prefetch_related("danger_types")) if file.pk else []
    for child in children:
        due = deadlines.child_evaluation_due(child, received, serious=file.serious_danger)
        if due != child.evaluation_due:
            child.evaluation_due = due
            child.save(update_fields=["evaluation_due"])
    due = deadlines.file_evaluation_due(file, children)
    if due != file.evaluation_due:
        file.evaluation_due = due
        if file.pk:
            file.save(update_fields=["evaluation_due", "updated_at"])


@transaction.atomic
def save_file(file: File, *, user=None, request=None) -> File:
    """Create or update a file (the header). New files get their number."""
    creating = file.pk is None
    if creating:
        file.number = next_number(file.received_at)
        file.created_by = user
    file.save()
    journal.record(
        "childprotection.file_created" if creating else "childprotection.file_updated",
        request=request,
        actor=user,
        obj=file,
    )
    return file


def ensure_reporter(file: File) -> Reporter:
    reporter, _created = Reporter.objects.get_or_create(file=file)
    return reporter


@transaction.atomic
def delete_file(file: File, reason: str, *, user=None, request=None) -> None:
    """Soft delete: the file is kept for the legal period with the reason, hidden."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise FileError(_("Give the reason for the deletion (10 characters at least)."))
    if file.deleted_at:
        raise FileError(_("This file is already deleted."))
    file.deleted_at = timezone.now()
    file.deleted_reason = reason
    file.deleted_by = user
    file.save()
    journal.record(
        "childprotection.file_deleted",
        request=request,
        actor=user,
        obj=file,
        details={"reason": reason},
    )


@transaction.atomic
def close_file(file: File, *, on: date | None = None, user=None, request=None) -> None:
    file.status = File.Status.CLOSED
    file.closed_on = on or timezone.localdate()
    file.save()
    journal.record("childprotection.file_closed", request=request, actor=user, obj=file)


def _name_matches(name: str, prefix=""):
    """The children whose name matches `name`, and (PostgreSQL) an expression ranking them.

    Every database: the normalised name contains every word typed (accents and case folded
    by `normalise_name`, so "lefevre" finds "Lefèvre"). PostgreSQL forgives a typo in each
    word: a word matches if the name contains it or holds a word that looks like it
    (trigram word similarity `%>`, pg_trgm, index `cp_child_name_trgm` of migration 0007),
    so "Dupond" finds "Dupont" and "Lefevres Zoé" finds "Lefèvre Zoé". Word by word, so a
    common surname with a first name ("Martin Léa") does not bring every Martin. The rank
    is the similarity of the whole name typed (1 when it is all there). `prefix` names the
    path to the child ("children__" from a file)."""
    target = normalise_name(name)
    words = target.split()
    if not words:
        return None, None
    postgres = connection.vendor == "postgresql"
    if postgres:
        from django.contrib.postgres.lookups import TrigramWordSimilar
        from django.contrib.postgres.search import TrigramWordSimilarity
    matches = Q()
    for w in words:
        word = Q(**{f"{prefix}search_name__contains": w})
        if postgres and len(w) >= 3:  # a shorter word has too few trigrams to compare
            word |= Q(TrigramWordSimilar(F(f"{prefix}search_name"), Value(w)))
        matches &= word
    if not postgres:
        return matches, None
    return matches, TrigramWordSimilarity(Value(target), f"{prefix}search_name")


def search(
    user,
    *,
    name="",
    birth_date=None,
    commune=None,
    territory=None,
    status="",
    received_from=None,
    received_to=None,
    number="",
):
    """Multi-criteria search among the files `user` may see, in the order to show them.

    Names are compared without accents or case; on PostgreSQL a typo is forgiven (trigram
    similarity, see `_name_matches`) and files come by best-matching child first, then
    newest first. Every other order is newest first."""
    qs = visible_files(user)
    ranked = False
    if number:
        qs = qs.filter(Q(number__icontains=number) | Q(snated_number__icontains=number))
    if name:
        if connection.vendor == "postgresql":
            # one join to the matching children, grouped by file: the rank is the best
            # child's (cheaper than a correlated subquery per file on thousands of files)
            matches, rank = _name_matches(name, prefix="children__")
            if matches is not None:
                qs = qs.filter(matches).annotate(name_rank=Max(rank))
                ranked = True
        else:
            matches, _rank = _name_matches(name)
            if matches is not None:
                qs = qs.filter(pk__in=Child.objects.filter(matches).values("file_id"))
    if birth_date:
        qs = qs.filter(pk__in=Child.objects.filter(birth_date=birth_date).values("file_id"))
    if commune:
        qs = qs.filter(pk__in=Child.objects.filter(commune=commune).values("file_id"))
    if territory:
        qs = qs.filter(territory=territory)
    if status:
        qs = qs.filter(status=status)
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    order = ("-name_rank", "-received_at", "-pk") if ranked else ("-received_at", "-pk")
    return qs.select_related("territory", "channel").order_by(*order)


def known_children(user, *, last_name="", first_name="", birth_date=None, exclude_file=None):
    """Children already recorded with the same identity, in files `user` may see: the form
    proposes them (and their earlier files) while typing."""
    if not (last_name and first_name):
        return Child.objects.none()
    qs = Child.objects.filter(
        search_name=normalise_name(f"{last_name} {first_name}"),
        file__in=visible_files(user),
    )
    if birth_date:
        qs = qs.filter(birth_date=birth_date)
    if exclude_file is not None:
        qs = qs.exclude(file=exclude_file)
    return qs.select_related("file").order_by("-file__received_at")[:10]
