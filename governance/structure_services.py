"""Writes for the 1351N structure: organisations and the posts people hold in them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Resident
from governance.models import Organisation, Post


def organisation_save(*, organisation: Organisation) -> Organisation:
    """Create or update an organisation of a community.

    Two secretaries saving the same name at once: the unique index lets one through and
    the other gets the same message as a sequential duplicate.
    """
    try:
        return _organisation_save(organisation=organisation)
    except IntegrityError:
        raise ValidationError(
            {"name": _("This community already has an organisation with this name.")}
        ) from None


@transaction.atomic
def _organisation_save(*, organisation: Organisation) -> Organisation:
    organisation.full_clean()
    organisation.save()
    return organisation


def _same_holder(*, user: User | None, resident: Resident | None) -> Q:
    """Posts held by the same person: by the account, or by a resident record of it."""
    if user is not None:
        return Q(user=user) | Q(resident__user=user)
    if resident.user_id:
        return Q(user_id=resident.user_id) | Q(resident__user_id=resident.user_id)
    return Q(resident=resident)


@transaction.atomic
def post_assign(
    *,
    organisation: Organisation,
    title: str,
    user: User | None = None,
    resident: Resident | None = None,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> Post:
    """Appoint a person (an account, or a resident of the community without one) to a post."""
    if (user is None) == (resident is None):
        raise ValidationError(_("A post is held by exactly one account or one resident."))
    if (
        resident is not None
        and not Resident.objects.for_community(organisation.community)
        .current()
        .filter(pk=resident.pk)
        .exists()
    ):
        raise ValidationError({"phone": _("This resident does not live in this community.")})
    # Lock the organisation so two appointments of one person cannot both pass the check.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    overlapping = Post.objects.filter(
        _same_holder(user=user, resident=resident), organisation=organisation, title=title
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if overlapping.exists():
        raise ValidationError(
            {"phone": _("This person already holds this post in this organisation for that time.")}
        )
    post = Post(
        organisation=organisation,
        title=title,
        user=user,
        resident=resident,
        start_date=start_date,
        end_date=end_date,
    )
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def post_end(*, post: Post, on: dt.date) -> Post:
    """End a post on the given day (the holder still holds it that day)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.end_date is not None and post.end_date <= on:
        raise ValidationError(_("This post has already ended."))
    if post.start_date > on:
        raise ValidationError(_("This term has not started yet; it cannot end before it begins."))
    post.end_date = on
    post.full_clean()
    post.save(update_fields=["end_date"])
    return post
