"""Epochs: the fixed order of one lane batch (contacts, then objects and events, then companies)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from stream.delivery.action_call import ActionCall
from stream.delivery.runner import ActionRunner
from stream.outcomes.model import Outcome

CONTACT_ACTION = "upsert_contact"
GROUP_LANE_ACTIONS = frozenset({"upsert_company"})


@dataclass
class EpochResult:
    """What an epoch produced: outcomes to publish, calls for the group lane, learned contacts."""

    outcomes: list[Outcome] = field(default_factory=list)
    forwards: list[ActionCall] = field(default_factory=list)
    contact_ids: dict[str, str] = field(default_factory=dict)
    contact_failures: dict[str, str] = field(default_factory=dict)


def _no_failure(routing_key: str) -> str | None:
    return None


async def run_user_epoch(calls: Sequence[ActionCall], runner: ActionRunner,
                         known_contact: Callable[[str], str | None],
                         known_failure: Callable[[str], str | None] = _no_failure,
                         ) -> EpochResult:
    """Contacts first; then every other user-lane action in first-seen order; then company calls
    are forwarded carrying the contact id learned now or earlier (`known_contact`), or else why
    the user's contact write failed (now or earlier: `known_failure`)."""
    result = EpochResult()
    by_action: dict[str, list[ActionCall]] = {}
    for call in calls:
        by_action.setdefault(call.action, []).append(call)
    contacts = by_action.pop(CONTACT_ACTION, [])
    if contacts:
        outcomes = await runner.perform(CONTACT_ACTION, contacts)
        result.outcomes.extend(outcomes)
        for call, outcome in zip(contacts, outcomes, strict=True):
            if outcome.status == "delivered" and outcome.hubspot and outcome.hubspot.get("id"):
                result.contact_ids[call.routing_key] = str(outcome.hubspot["id"])
                result.contact_failures.pop(call.routing_key, None)
            elif outcome.is_failure and outcome.error is not None:
                result.contact_failures[call.routing_key] = (
                    f"{outcome.error.reason.value}: {outcome.error.message}"[:500])
    # objects and events of different actions do not depend on each other: run them together
    others = [(action, action_calls) for action, action_calls in by_action.items()
              if action not in GROUP_LANE_ACTIONS]
    for outcomes in await asyncio.gather(*(runner.perform(action, action_calls)
                                           for action, action_calls in others)):
        result.outcomes.extend(outcomes)
    for action in GROUP_LANE_ACTIONS:
        for call in by_action.get(action, []):
            user = call.routing_key
            failure = result.contact_failures.get(user)
            contact_id = result.contact_ids.get(user) or (None if failure else known_contact(user))
            result.forwards.append(call.with_contact(contact_id, failure or known_failure(user)))
    return result


async def run_group_epoch(calls: Sequence[ActionCall], runner: ActionRunner) -> list[Outcome]:
    """Company calls per action (upserts merged per groupId and associated by the action)."""
    outcomes: list[Outcome] = []
    by_action: dict[str, list[ActionCall]] = {}
    for call in calls:
        by_action.setdefault(call.action, []).append(call)
    for action, action_calls in by_action.items():
        outcomes.extend(await runner.perform(action, action_calls))
    return outcomes
