"""Navigation links by role, for the base template."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from communities.models import CommunityRole
from communities.scope import scope_of


def _links(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    scope = scope_of(user)
    links: list[dict] = []
    match = getattr(request, "resolver_match", None)
    code = match.kwargs.get("code") if match else None
    office_ids = scope.office_community_ids
    community = None
    if office_ids or user.is_superuser or scope.is_area_staff:
        from communities.models import Community

        if code:
            community = getattr(request, "community", None)
            if community is None or community.code != code:
                community = Community.objects.filter(code=code).first()
            if community and not (
                user.is_superuser
                or community.pk in office_ids
                or user.has_perm("communities.view_office", community)
            ):
                community = None
        elif office_ids:
            community = (
                Community.objects.filter(pk__in=office_ids).only("pk", "code", "name").first()
            )
    if community is not None:
        c = community.code
        roles = scope.roles_in(community.pk)
        roster = [
            {"url": reverse("communities:building_list", args=[c]), "label": _("Buildings")},
            {"url": reverse("communities:household_list", args=[c]), "label": _("Households")},
            {"url": reverse("communities:resident_list", args=[c]), "label": _("Residents")},
        ]
        if user.is_superuser or roles & CommunityRole.OFFICE_ROLES:
            roster += [
                {
                    "url": reverse("communities:verification", args=[c]),
                    "label": _("Verification"),
                },
                {"url": reverse("communities:roster_import", args=[c]), "label": _("Import")},
            ]
        links += [
            {"url": reverse("communities:dashboard", args=[c]), "label": _("Overview")},
            _group("roster", _("Residents and homes"), roster),
        ]
        if user.is_superuser or roles & CommunityRole.OFFICE_ROLES or scope.is_area_staff:
            links.append({"url": reverse("governance:board", args=[c]), "label": _("Governance")})
            links.append(
                {"url": reverse("deliberation:proposal_list", args=[c]), "label": _("Deliberation")}
            )
            links.append(
                {"url": reverse("volunteers:dashboard", args=[c]), "label": _("Volunteers")}
            )
            links.append({"url": reverse("casework:case_list", args=[c]), "label": _("Cases")})
            links.append({"url": reverse("casework:visit_list", args=[c]), "label": _("Visits")})
        if user.is_superuser or roles & CommunityRole.SECRETARY_ROLES:
            settings_links = [
                {"url": reverse("communities:role_list", args=[c]), "label": _("Roles")},
                {"url": reverse("communities:profile_edit", args=[c]), "label": _("Profile")},
            ]
            links.append(_group("settings", _("Community settings"), settings_links))
    if community is None and not user.is_superuser:
        # Property-company staff: the cases of their task groups.
        for property_code in scope.codes_with_role("property_manager"):
            links.append(
                {
                    "url": reverse("casework:case_list", args=[property_code]),
                    "label": _("Task group cases"),
                }
            )
    if user.is_superuser or scope.is_area_staff:
        area = [
            {"url": reverse("communities:area"), "label": _("Area overview")},
            {"url": reverse("governance:area_structure"), "label": _("1351N gaps")},
            {"url": reverse("governance:compliance"), "label": _("Council compliance")},
            {"url": reverse("deliberation:area_projects"), "label": _("Practical projects")},
            {"url": reverse("casework:area_rates"), "label": _("12345 rates")},
            {"url": reverse("casework:area_whistles"), "label": _("Open whistles")},
        ]
        # On a community's pages the area's pages fold into one menu, so that an office
        # screen (1280-1366 px) holds the whole bar on one line.
        links += [_group("area", _("Area"), area)] if community is not None else area
    if scope.home_community_id or not (scope.roles or scope.is_area_staff or user.is_superuser):
        links.append({"url": reverse("communities:me"), "label": _("My home")})
    if scope.home_verified and community is None:
        links.append(
            {
                "url": reverse("deliberation:proposal_list", args=[scope.home_community_code]),
                "label": _("Proposals and votes"),
            }
        )
        links.append(
            {
                "url": reverse("volunteers:my_shifts", args=[scope.home_community_code]),
                "label": _("Volunteering"),
            }
        )
        links.append(
            {
                "url": reverse("casework:my_cases", args=[scope.home_community_code]),
                "label": _("Report a problem"),
            }
        )
    _mark_current(links, request.path)
    return links


def _group(key: str, label: str, children: list[dict]) -> dict:
    """A menu of links under one label in the bar (a plain link if there is only one)."""
    if len(children) == 1:
        return children[0]
    return {"id": f"nav-{key}", "label": label, "children": children}


def _mark_current(links: list[dict], path: str) -> None:
    """The link whose address is the longest start of the page's path is the current one
    (and so is the menu holding it)."""
    flat = [(link, None) for link in links if "url" in link] + [
        (child, link) for link in links for child in link.get("children", ())
    ]
    matches = [(link, group) for link, group in flat if path.startswith(link["url"])]
    if not matches:
        return
    link, group = max(matches, key=lambda pair: len(pair[0]["url"]))
    link["current"] = True
    if group is not None:
        group["current"] = True


def navigation(request) -> dict:
    return {"nav_links": SimpleLazyObject(lambda: _links(request))}
