"""Form errors are announced on every form a resident can send.

After a failed submit, each form comes back with one error summary at its top (focusable
with tabindex="-1", read out through role="alert", focused by static/js/form-errors.js):
every problem in one list, a field's problem a link to that field. Each invalid field has
aria-invalid="true" and aria-describedby naming ids that exist in the page: its error
message (and its help text). No id is used twice.

A button-only form (co-sign, sign up, rate) answers with a message at the top of the page;
an error message is focused the same way.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import PASSWORD
from tests.resident_estate import Estate, build_estate

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
CONTROLS = {"input", "select", "textarea"}
SCRIPT = "js/form-errors.js"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children).strip()

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Tree(HTMLParser):
    """The page as a tree of elements, enough to follow ids and attributes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root
        self.feed(html)
        self.nodes = list(self.root.walk())[1:]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(
            Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        )

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)

    def by_id(self) -> dict[str, list[Node]]:
        found: dict[str, list[Node]] = {}
        for node in self.nodes:
            if "id" in node.attrs:
                found.setdefault(node.attrs["id"], []).append(node)
        return found


def check_errors_announced(html: str, fields: set[str], messages: set[str] = frozenset()):
    """The page's form errors are announced: see the module docstring."""
    tree = Tree(html)
    ids = tree.by_id()
    duplicates = sorted(i for i, nodes in ids.items() if len(nodes) > 1)
    assert not duplicates, f"ids used more than once: {duplicates}"

    # Every id an attribute points at exists.
    for node in tree.nodes:
        for attr in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for ref in node.attrs.get(attr, "").split():
                assert ref in ids, f"<{node.tag} {attr}={ref!r}> points at no element"
        if node.tag == "label" and node.attrs.get("for"):
            assert node.attrs["for"] in ids, f"<label for={node.attrs['for']!r}> has no field"

    summaries = [n for n in tree.nodes if "data-error-summary" in n.attrs]
    assert len(summaries) == 1, f"{len(summaries)} error summaries on the page"
    summary = summaries[0]
    assert summary.attrs.get("tabindex") == "-1", "the summary cannot take the focus"
    assert any(n.attrs.get("role") == "alert" for n in summary.walk()), "summary is no alert"
    assert SCRIPT in html, "the script that focuses the summary is not loaded"
    summary_text = summary.text()
    for message in messages:
        assert message in summary_text, f"{message!r} missing from the summary"

    links = {
        n.attrs["href"][1:]: n.text()
        for n in summary.walk()
        if n.tag == "a" and n.attrs.get("href", "").startswith("#")
    }
    for target in links:
        assert target in ids, f"summary link #{target} points at nothing"
        assert ids[target][0].tag in CONTROLS, f"summary link #{target} is not a field"
    linked_names = {ids[t][0].attrs.get("name") for t in links}
    assert fields <= linked_names, f"no summary link for {fields - linked_names}"

    order = {id(n): i for i, n in enumerate(tree.nodes)}
    for name in fields:
        controls = [n for n in tree.nodes if n.tag in CONTROLS and n.attrs.get("name") == name]
        assert controls, f"no field {name}"
        for control in controls:
            assert control.attrs.get("aria-invalid") == "true", f"{name}: not aria-invalid"
            assert order[id(summary)] < order[id(control)], f"{name} comes before the summary"
            described = control.attrs.get("aria-describedby", "").split()
            for fieldset in control.ancestors():
                if fieldset.tag == "fieldset":
                    described += fieldset.attrs.get("aria-describedby", "").split()
            errors = [ids[ref][0].text() for ref in described if ref.endswith("_error")]
            assert errors and all(errors), f"{name}: not described by its error message"
            for error in errors:
                assert error in summary_text or any(
                    part in summary_text for part in error.split("\n") if part.strip()
                ), f"{name}: error {error!r} is not in the summary"


@pytest.fixture
def estate(db) -> Estate:
    return build_estate()


def post(client, url: str, data: dict, user=None, **extra):
    if user is not None:
        client.force_login(user)
    response = client.post(url, data, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_login_with_empty_fields(client, estate):
    html = post(client, reverse("accounts:login"), {"username": "", "password": ""})
    check_errors_announced(html, {"username", "password"})


def test_login_with_a_wrong_password_lists_the_form_error(client, estate):
    html = post(
        client,
        reverse("accounts:login"),
        {"username": estate.resident_user.phone, "password": "wrong-password"},
    )
    check_errors_announced(
        html, set(), {zh("The mobile number or password is wrong. Please try again.")}
    )
    # The summary, not the mobile number field, takes the focus.
    assert "autofocus" not in html


def test_register_with_empty_fields(client, estate):
    html = post(client, reverse("communities:register"), {"password1": "x", "password2": "y"})
    check_errors_announced(
        html,
        {"display_name", "phone", "community", "building", "entrance", "household"},
        {zh("Please correct the fields marked in red. For your safety, type your password again.")},
    )


def test_password_change_with_a_wrong_old_password(client, estate):
    html = post(
        client,
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "Laoshan-2026!", "new_password2": "other"},
        user=estate.resident_user,
    )
    check_errors_announced(html, {"old_password", "new_password2"})
    assert "autofocus" not in html


def test_report_a_problem_without_saying_what(client, estate):
    url = reverse("casework:my_case_report", args=[estate.community.code])
    html = post(client, url, {"category": "", "description": ""}, user=estate.resident_user)
    check_errors_announced(html, {"category", "description"})


def test_report_a_problem_with_a_pdf_as_photo(client, estate):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("casework:my_case_report", args=[estate.community.code])
    category = estate.open_case.category_id
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"\0" * 64, "application/pdf")
    html = post(
        client,
        url,
        {"category": category, "description": "灯坏了", "place": "", "photo": pdf},
        user=estate.resident_user,
    )
    check_errors_announced(html, {"photo"}, {zh("Please choose a JPG or PNG photo.")})


def test_raise_a_proposal_with_empty_fields(client, estate):
    url = reverse("deliberation:proposal_create", args=[estate.community.code])
    html = post(client, url, {}, user=estate.resident_user)
    check_errors_announced(html, {"title", "description"})


def test_post_an_empty_opinion(client, estate):
    url = reverse(
        "deliberation:opinion_create", args=[estate.community.code, estate.open_proposal.pk]
    )
    html = post(client, url, {"text": ""}, user=estate.resident_user)
    check_errors_announced(html, {"text"})


def test_vote_without_a_valid_choice(client, estate):
    url = reverse("deliberation:ballot", args=[estate.community.code, estate.open_ballot.pk])
    html = post(client, url, {"option": "nonsense"}, user=estate.resident_user)
    check_errors_announced(html, {"option"}, {zh("Please choose one of the options.")})


def test_become_a_volunteer_with_too_long_an_answer(client, estate):
    url = reverse("volunteers:become_volunteer", args=[estate.community.code])
    html = post(client, url, {"availability": "周末" * 60}, user=estate.neighbour_user)
    check_errors_announced(html, {"availability"})


def test_swap_without_choosing_a_shift(client, estate):
    url = reverse("volunteers:booking_swap", args=[estate.community.code, estate.my_booking.pk])
    html = post(client, url, {}, user=estate.resident_user)
    check_errors_announced(html, {"to_shift"})


def test_withdraw_own_proposal_without_a_reason(client, estate):
    """The author's own step with a reason: the reason field is announced."""
    proposal = estate.cosign_proposal
    url = reverse("deliberation:proposal_step", args=[estate.community.code, proposal.pk])
    html = post(client, url, {"to_status": "withdrawn", "comment": ""}, user=estate.neighbour_user)
    check_errors_announced(html, {"comment"})


BUTTON_FORMS = {
    # A rating that is none of the three buttons.
    "rate": (
        lambda e: reverse("casework:my_case_rate", args=[e.community.code, e.closed_case.pk]),
        {"satisfaction": "bogus"},
        "Please press one of the three buttons.",
    ),
    # Signing up for a shift she is already on.
    "sign_up": (
        lambda e: reverse("volunteers:shift_sign_up", args=[e.community.code, e.my_shift.pk]),
        {},
        None,
    ),
    # Co-signing a proposal that is no longer collecting co-signatures.
    "cosign": (
        lambda e: reverse(
            "deliberation:proposal_cosign", args=[e.community.code, e.passed_proposal.pk]
        ),
        {},
        None,
    ),
}


@pytest.mark.parametrize("name", BUTTON_FORMS)
def test_a_failed_button_form_is_announced_and_focused(client, estate, name):
    url, data, msgid = BUTTON_FORMS[name]
    html = post(client, url(estate), data, user=estate.resident_user, follow=True)
    tree = Tree(html)
    focused = [n for n in tree.nodes if "data-error-summary" in n.attrs]
    assert len(focused) == 1, f"{len(focused)} focusable error messages"
    message = focused[0]
    assert message.attrs.get("tabindex") == "-1" and message.attrs.get("role") == "alert"
    assert "alert-danger" in message.attrs.get("class", "")
    assert message.text()
    if msgid:
        assert zh(msgid) in message.text()
    assert SCRIPT in html


def test_a_page_without_errors_has_no_summary(client, estate):
    client.force_login(estate.resident_user)
    html = client.get(reverse("casework:my_case_report", args=[estate.community.code]))
    html = html.content.decode()
    assert "data-error-summary" not in html
    assert 'aria-invalid="true"' not in html


def test_the_login_form_still_logs_in(client, estate):
    response = client.post(
        reverse("accounts:login"), {"username": estate.resident_user.phone, "password": PASSWORD}
    )
    assert response.status_code == 302
