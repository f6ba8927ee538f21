"""Walking the URL configuration, filling URLs and judging answers for the matrix."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.http import HttpResponseBase
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tests.authz.objects import ALFA_MARK, Objects

LOGIN_PATH = "/accounts/login/"
REFUSED = {401, 403, 404, 405}
# What a request may write even when refused: the session, a token's last use and the
# collaboration the user last opened.
HOUSEKEEPING = ("django_session", "organisations_apitoken", 'SET "current_collaboration_id"')
# Words that only someone allowed into "alfa" may see.
ALFA_WORDS = (ALFA_MARK, "A kommune", "Alfa-samarbeidet")

# URL argument → kind of object in ``Objects`` when the argument's name does not say it.
KIND_OF_ARGUMENT = {
    "key_id": "cost_sharing_key",
    "group_id": "user_group",
    "choice_id": "target_choice",
    "token_id": "api_token",
    "area_id": "service_area",
    "cost_id": "ict_cost",
    # governance: a project's phases, gates, checklist items and milestones (the phase
    # model's have the same argument names, and say so in their entries)
    "phase_id": "project_phase",
    "item_id": "checklist_item",
    "member_id": "body_member",
    "report_id": "status_report",
    "entry_id": "log_entry",
}
# In the API's paths the collection before an argument says what it names, where the
# argument's own name does not (``…/agenda-items/{item_id}``).
COLLECTION_KIND = {
    "action-items": "action_item",
    "agenda-items": "agenda_item",
    "communication-items": "communication_item",
    "members": "body_member",
}
PHASE_MODEL_KIND = {
    "phases": "template_phase",
    "gates": "template_gate",
    "checklist": "template_checklist_item",
    "milestones": "template_milestone",
}
TOKENS = ("personal_token", "open_token", "calendar_token")
# Arguments that name no object: rows addressed by a date or a year (an indicator's
# intermediate target of 1 January 2027, a proposal's cost of 2027 in ``objects_*.py``).
LITERAL_ARGUMENTS = {"date": "2027-01-01", "year": "2027"}


def kind_in_path(path: str, argument: str) -> str | None:
    """The kind of object an API path's argument names, when its name does not say."""
    segments = path.split("/")
    if "{" + argument + "}" not in segments:
        return None
    index = segments.index("{" + argument + "}")
    collection = segments[index - 1]
    if "phase-models" in segments[: index - 1] and collection in PHASE_MODEL_KIND:
        return PHASE_MODEL_KIND[collection]
    if collection == "cost-lines" and "status-reports" in segments:
        return "status_cost_line"
    if collection == "risks" and "programmes" in segments:
        return "programme_risk"
    return COLLECTION_KIND.get(collection)


ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>|\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    key: str  # namespaced URL name, or the path for the few unnamed ones
    name: str | None
    path: str  # the joined route, for messages and for unnamed URLs

    @property
    def arguments(self) -> list[str]:
        return [a or b or c for a, b, c in ARGUMENT.findall(self.path)]


def walk_urls() -> list[Route]:
    routes: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                path = prefix + str(pattern.pattern)
                if pattern.name is None:
                    routes.append(Route(path, None, path))
                else:
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    routes.append(Route(name, name, path))

    walk(get_resolver(), "", "")
    # One route per key (allauth registers a few names twice, for old and new paths).
    seen: dict[str, Route] = {}
    for route in routes:
        seen.setdefault(route.key, route)
    return list(seen.values())


def object_id(objects: Objects, kind: str) -> str:
    if kind in TOKENS:
        return str(getattr(objects, kind))
    return str(objects[kind].uuid)  # type: ignore[attr-defined]


def fill(argument: str, objects: Objects, overrides: dict[str, str] | Any, path: str = "") -> str:
    """The value of one URL argument: an override (an object kind, or ``=literal``), the
    collaboration's slug, the object the API path's collection names, or the object the
    argument's name points at."""
    if argument in overrides:
        value = overrides[argument]
        return value[1:] if value.startswith("=") else object_id(objects, value)
    if argument == "slug":
        return objects.collaboration.slug
    if path and (kind := kind_in_path(path, argument)) is not None:
        return object_id(objects, kind)
    if argument in KIND_OF_ARGUMENT:
        return object_id(objects, KIND_OF_ARGUMENT[argument])
    if argument.endswith("_id") and argument[:-3] in objects.things:
        return object_id(objects, argument[:-3])
    if argument in LITERAL_ARGUMENTS:
        return LITERAL_ARGUMENTS[argument]
    raise LookupError(f"no value for URL argument {argument!r}: add it to the matrix entry")


def body_of(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


@dataclass
class Outcome:
    status: int
    location: str
    body: bytes
    writes: list[str]
    error: str = ""


def perform(send: Callable[[], HttpResponseBase]) -> Outcome:
    """Send one request in a savepoint that is rolled back, noting what it wrote."""
    with transaction.atomic():
        try:
            with CaptureQueriesContext(connection) as queries:
                response = send()
            outcome = Outcome(
                response.status_code,
                response.get("Location", "") if response.has_header("Location") else "",
                body_of(response),
                [
                    q["sql"][:120]
                    for q in queries.captured_queries
                    if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
                    and not any(mark in q["sql"] for mark in HOUSEKEEPING)
                ],
            )
        except Exception as exc:  # noqa: BLE001 - reported as a failure of the entry
            outcome = Outcome(0, "", b"", [], f"{type(exc).__name__}: {exc}")
        transaction.set_rollback(True)
    return outcome


def to_login(outcome: Outcome) -> bool:
    return outcome.status in (301, 302, 303) and outcome.location.split("?")[0].endswith(LOGIN_PATH)


def judge(
    outcome: Outcome,
    persona: str,
    *,
    allowed: bool,
    write: bool,
    method_taken: bool = True,
) -> str | None:
    """What is wrong with one answer, or None.

    Allowed: a page (2xx) or a redirect elsewhere than the log-in; for writes also 400,
    409 and 422 (an empty form is refused as input, not as a right). ``method_taken=False``:
    the URL does not take this method, so 405 is fine too, but nothing may be written.
    Refused: 401, 403, 404, 405 or a redirect to log in, without alfa's
    data and having written nothing.
    """
    if outcome.error:
        return f"raised {outcome.error}"
    status = outcome.status
    if status >= 500:
        return f"answered {status}"
    if allowed:
        if not method_taken and outcome.writes:
            return f"does not take this method, but wrote {outcome.writes[:2]}"
        if not method_taken and status == 405:
            return None
        if 200 <= status < 300 or (300 <= status < 400 and not to_login(outcome)):
            return None
        if write and status in (400, 409, 422):
            return None
        return f"should be allowed, got {status} {outcome.location}".rstrip()
    problems = []
    if not (status in REFUSED or to_login(outcome)):
        problems.append(f"should be refused, got {status} {outcome.location}".rstrip())
    words = ALFA_WORDS if persona in ("anonymous", "outsider") else (ALFA_MARK,)
    leaked = [w for w in words if w.encode() in outcome.body]
    if leaked:
        problems.append(f"refused, but shows {leaked}")
    if outcome.writes:
        problems.append(f"refused, but wrote {outcome.writes[:2]}")
    return "; ".join(problems) or None


def variants(entry: Any) -> Iterator[tuple[int, Any]]:
    yield from enumerate(entry if isinstance(entry, list) else [entry])
