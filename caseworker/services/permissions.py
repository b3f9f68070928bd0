"""Who may do what: the role each action needs, checked below the UI for every route."""

from __future__ import annotations

from dataclasses import replace

from caseworker.services.actor import Actor, Role
from caseworker.services.errors import NotAllowed
from db.queries import CaseFilter

# Roles from least to most trusted; each role may do everything the ones before it may.
RANKS: tuple[Role, ...] = (Role.ADVISOR, Role.OFFICER, Role.MANAGER, Role.ADMINISTRATOR)

ROLE_NAMES: dict[Role, str] = {
    Role.ADVISOR: "advisor",
    Role.OFFICER: "complaints officer",
    Role.MANAGER: "manager",
    Role.ADMINISTRATOR: "administrator",
}

# action -> (the least role that may do it, what it is in plain words)
ACTIONS: dict[str, tuple[Role, str]] = {
    # Advisors: taking contacts (intake meets new sites, areas and themes as it goes).
    "log-record": (Role.ADVISOR, "log contacts"),
    "add-person": (Role.ADVISOR, "add people"),
    "update-person": (Role.ADVISOR, "change people's details"),
    "add-note": (Role.ADVISOR, "add notes"),
    "add-site": (Role.ADVISOR, "add sites"),
    "add-service-area": (Role.ADVISOR, "add service areas"),
    "add-theme": (Role.ADVISOR, "add themes"),
    "save-draft": (Role.ADVISOR, "save drafts"),
    "change-own-password": (Role.ADVISOR, "change their own password"),
    # Complaints officers: all case work and letters.
    "acknowledge": (Role.OFFICER, "acknowledge complaints"),
    "extend": (Role.OFFICER, "extend deadlines"),
    "respond-stage-1": (Role.OFFICER, "send Stage 1 responses"),
    "escalate": (Role.OFFICER, "escalate complaints"),
    "acknowledge-stage-2": (Role.OFFICER, "acknowledge Stage 2 requests"),
    "respond-stage-2": (Role.OFFICER, "send Stage 2 responses"),
    "refuse-escalation": (Role.OFFICER, "refuse escalations"),
    "refuse": (Role.OFFICER, "refuse complaints"),
    "withdraw": (Role.OFFICER, "record withdrawals"),
    "close": (Role.OFFICER, "close cases"),
    "reopen": (Role.OFFICER, "reopen cases"),
    "pass-on": (Role.OFFICER, "pass on compliments and comments"),
    "reply-enquiry": (Role.OFFICER, "reply to enquiries"),
    "refer-to-ombudsman": (Role.OFFICER, "record Ombudsman referrals"),
    "record-determination": (Role.OFFICER, "record Ombudsman determinations"),
    "correct-fact": (Role.OFFICER, "correct recorded facts"),
    "record-learning": (Role.OFFICER, "record learning"),
    "link-case": (Role.OFFICER, "link cases"),
    "add-representative": (Role.OFFICER, "add representatives"),
    "record-authorisation": (Role.OFFICER, "record authorisations"),
    "revoke-authorisation": (Role.OFFICER, "revoke authorisations"),
    "expire-authorisation": (Role.OFFICER, "expire authorisations"),
    "add-remedy": (Role.OFFICER, "record remedies"),
    "complete-remedy": (Role.OFFICER, "complete remedies"),
    "add-action": (Role.OFFICER, "record outstanding actions"),
    "complete-action": (Role.OFFICER, "complete outstanding actions"),
    "agree-update-interval": (Role.OFFICER, "agree update intervals"),
    "add-staff": (Role.OFFICER, "add staff"),
    "recompute-clocks": (Role.OFFICER, "recompute deadlines"),
    "make-letter": (Role.OFFICER, "make letters"),
    "record-letter-sent": (Role.OFFICER, "record letters as sent"),
    "add-document": (Role.OFFICER, "add documents"),
    "resolve-conflict": (Role.OFFICER, "resolve sync conflicts"),
    # Managers: also reports, reassigning and settings.
    "run-report": (Role.MANAGER, "run reports"),
    "reassign": (Role.MANAGER, "reassign cases"),
    "change-setting": (Role.MANAGER, "change settings"),
    "change-service-area": (Role.MANAGER, "change service areas"),
    "add-closure-day": (Role.MANAGER, "add closure days"),
    "remove-closure-day": (Role.MANAGER, "remove closure days"),
    "set-homes": (Role.MANAGER, "set the number of homes"),
    "export-person": (Role.MANAGER, "export everything held about a person"),
    "import": (Role.MANAGER, "import records"),
    # Administrators: also users, backups and retention.
    "add-user": (Role.ADMINISTRATOR, "add user accounts"),
    "change-user": (Role.ADMINISTRATOR, "change user accounts"),
    "reset-password": (Role.ADMINISTRATOR, "reset passwords"),
    "backup": (Role.ADMINISTRATOR, "back up the store"),
    "restore": (Role.ADMINISTRATOR, "restore a backup"),
    "upgrade": (Role.ADMINISTRATOR, "bring the store on the server up to date"),
    "copy-store": (Role.ADMINISTRATOR, "copy the store to a server"),
    "retention-run": (Role.ADMINISTRATOR, "run retention"),
    "demo-data": (Role.ADMINISTRATOR, "fill a store with demo records"),
    "replica-create": (Role.ADMINISTRATOR, "make offline replicas"),
    # Recorded by sync itself on the server (the merge), never by a person's action.
    "sync-batch": (Role.ADMINISTRATOR, "take a replica's changes"),
    "sync-conflict": (Role.ADMINISTRATOR, "record sync conflicts"),
    "sync-same-change": (Role.ADMINISTRATOR, "take a change the server already holds"),
}

# An action nobody has classified yet counts as case work (the tests list every action the
# services record, so a new one is classified on purpose).
DEFAULT: tuple[Role, str] = (Role.OFFICER, "do that")


def rank(role: Role) -> int:
    return RANKS.index(role)


def _article(name: str) -> str:
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def roles_from(role: Role) -> str:
    """'a complaints officer, manager or administrator': every role at or above ``role``."""
    names = [ROLE_NAMES[r] for r in RANKS[rank(role) :]]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return _article(listed)


def allowed(actor: Actor, action: str) -> bool:
    """True if the actor's role may do the action (the UI uses it to disable what is not)."""
    least, _what = ACTIONS.get(action, DEFAULT)
    return rank(actor.role) >= rank(least)


def check(actor: Actor, action: str) -> None:
    """Refuse an action the actor's role does not allow, naming the role needed.

    Raises:
        NotAllowed: e.g. "Only a complaints officer, manager or administrator may
            acknowledge complaints; you are signed in as an advisor".
    """
    if allowed(actor, action):
        return
    least, what = ACTIONS.get(action, DEFAULT)
    raise NotAllowed(
        f"Only {roles_from(least)} may {what}; "
        f"you are signed in as {_article(ROLE_NAMES[actor.role])}"
    )


def sees_restricted(actor: Actor) -> bool:
    """Restricted (safeguarding) cases are for officers and above who were given access."""
    return actor.role is not Role.ADVISOR and actor.restricted_access


def check_restricted(actor: Actor, reference: str) -> None:
    """Refuse to show or change a restricted case to someone without access.

    The message is the same as for a case that does not exist, so nothing leaks.
    """
    if not sees_restricted(actor):
        raise NotAllowed(
            f"There is no case with reference {reference} that you can see "
            "(restricted cases are shown only to staff given access)"
        )


def visible_filter(actor: Actor, case_filter: CaseFilter) -> CaseFilter:
    """The case-list filter narrowed to what the actor may see (lists, search and counts).

    The only place a filter asks for restricted cases: for an actor given access."""
    return replace(case_filter, include_restricted=sees_restricted(actor))
