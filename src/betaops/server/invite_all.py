"""`betaops_invite_testers`: one list of people, several beta programs, one confirmation.

The targets are whatever the registry's providers can invite to: each provider's invite capability
(`ProviderSpec.invite`) says what its target is and handles it with its own invite logic (chunking,
rate limits, skipping who is already there); this module names no provider. Targets run one after
another under one approval. Emails are validated and de-duplicated once, here, by the shared people
rule. The preview is each target's own preview under one headline, and each target's run adds
exactly whom its plan bound. A failure at one target never hides what succeeded elsewhere, and
re-running after a failure invites nobody twice: every plan reads who is already in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from betaops.core.errors import ProviderError
from betaops.core.invite_target import InviteCapability, Prepared, TargetRef
from betaops.core.invites import InviteResult, Outcome, Person, PersonOutcome, TargetReport, parse_people
from betaops.core.model import Model
from betaops.core.operation import Effect
from betaops.core.preview import every
from betaops.core.provider import ProviderSpec
from betaops.core.resolve import pick
from betaops.core.task import Plan, Task, TaskContext

MAX_PEOPLE = 500


class InviteAllResult(Model):
    people: int  # distinct valid emails
    invalid: list[str]  # entries that are not emails, skipped everywhere
    targets: list[TargetReport]


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def params_model(capabilities: dict[str, InviteCapability]) -> type[BaseModel]:
    """The tool input: people, and targets whose fields are the union of the providers' own."""
    ids = [c.id_means for c in capabilities.values() if c.id_means]
    named = all(c.choices for c in capabilities.values() if c.id_means)  # every target resolves names
    fields: dict[str, Any] = {
        "provider": (Literal[tuple(capabilities)], ...),
        "id": (
            Annotated[str, Field(min_length=1, max_length=128)] | None,
            Field(None, description=f"{_or(ids)} {'id or name' if named else 'id'} (default: pinned)"),
        ),
    }
    for capability in capabilities.values():
        fields |= capability.fields
    target = create_model("Target", __config__=ConfigDict(extra="forbid"), **fields)
    kinds = ", ".join(c.target for c in capabilities.values())
    return create_model(
        "InviteAllParams",
        __config__=ConfigDict(extra="forbid"),
        people=(
            Annotated[list[Annotated[str, Field(max_length=320)]], Field(min_length=1, max_length=MAX_PEOPLE)],
            Field(description="Emails, optionally 'First Last <email>'"),
        ),
        targets=(Annotated[list[target], Field(min_length=1, max_length=10)], Field(description=kinds)),
    )


def _context(ctx: TaskContext, provider: str) -> TaskContext:
    if provider not in ctx.providers:
        raise ProviderError(
            "betaops", f"{provider} is not configured here.", hint="betaops_context lists the configured providers."
        )
    return ctx.providers[provider]


def _refuse(provider: str, why: str) -> ProviderError:
    return ProviderError("betaops", f"target {provider}: {why}", hint="Fix the target and call again.")


class InviteAll:
    """The cross-provider invite over the given invite capabilities (by provider name)."""

    def __init__(self, capabilities: dict[str, InviteCapability]) -> None:
        self.capabilities = capabilities

    async def _prepare(
        self, ctx: TaskContext, target: BaseModel, people: dict[str, Person]
    ) -> tuple[InviteCapability, Prepared]:
        values = target.model_dump(exclude_none=True)
        provider = values.pop("provider")
        capability = self.capabilities[provider]
        unknown = set(values) - capability.field_names()
        if unknown:
            raise _refuse(provider, f"{', '.join(sorted(unknown))} does not apply.")
        if capability.choices is not None and "id" in values:  # a name, or an id: one id either way
            found = await capability.choices(_context(ctx, provider))
            values["id"] = pick(provider, capability.target, str(values["id"]), found).id
        try:
            return capability, capability.prepare(TargetRef(provider, values, _context(ctx, provider).pinned), people)
        except (ValueError, ValidationError) as exc:
            raise _refuse(provider, str(exc).splitlines()[-1] if str(exc) else "invalid.") from exc

    @staticmethod
    def _people(params: Any) -> tuple[dict[str, Person], list[str]]:
        return parse_people(params.people)

    async def plan(self, ctx: TaskContext, params: Any) -> Plan:
        """Each target's own plan, shown indented under one headline; the bound is each target's bound."""
        people, invalid = self._people(params)
        if not people:
            raise ProviderError("betaops", "none of the entries is a valid email.", hint="Check the addresses.")
        details: list[str] = []
        if invalid:
            details.append(f"Not valid emails (skipped everywhere): {every(invalid, 'entries')}.")
        fingerprints: list[Any] = []
        bound: list[dict[str, Any]] = []
        for n, target in enumerate(params.targets, 1):
            capability, prepared = await self._prepare(ctx, target, people)
            assert capability.task.plan is not None
            plan = await capability.task.plan(_context(ctx, target.provider), prepared.params)
            details.append(f"[{n}] {prepared.label}:")
            details += [f"    {line}" for line in plan.preview.splitlines()]
            fingerprints.append(plan.fingerprint)
            bound.append({"bound": plan.bound, "noop": plan.noop})
        noop = all(b["noop"] for b in bound)
        if noop:
            head = f"Nothing will change: all {len(people)} people are already at all {len(params.targets)} target(s)."
        else:
            head = f"Invite {len(people)} people to {len(params.targets)} target(s)."
        return Plan("\n".join([head, *details]), fingerprints, bound, noop=noop)

    async def run(self, ctx: TaskContext, params: Any, key: str | None, plan: Plan | None) -> InviteAllResult:
        assert plan is not None, "a write runs with its approved plan"
        people, invalid = self._people(params)
        reports: list[TargetReport] = []
        for n, target in enumerate(params.targets, 1):
            capability, prepared = await self._prepare(ctx, target, people)
            approved = plan.bound[n - 1]
            sub_plan = Plan(f"[{n}] {prepared.label}", plan.fingerprint[n - 1], approved["bound"], approved["noop"])
            sub_key = f"{key}-t{n}" if key else None
            try:
                done = await capability.task.run(_context(ctx, target.provider), prepared.params, sub_key, sub_plan)
            except ProviderError as exc:
                stopped: Outcome = "not_attempted" if exc.changed is False else "unknown"
                done = InviteResult.of([PersonOutcome(email=e, outcome=stopped) for e in people], f"Stopped: {exc}")
            assert isinstance(done, InviteResult), "an invite capability's task answers with an InviteResult"
            reported = {o.email: o for o in done.outcomes}
            for email in people:  # whoever the provider did not mention was not attempted
                reported.setdefault(email, PersonOutcome(email=email, outcome="not_attempted"))
            reports.append(TargetReport.build(prepared.label, reported.values(), done.note))
            await ctx.report(n, len(params.targets), f"{prepared.label}: done")
        return InviteAllResult(people=len(people), invalid=invalid, targets=reports)


ACROSS = "betaops"  # the provider of an action across providers (this one)


def invite_all_task(providers: Iterable[ProviderSpec]) -> Task:
    """The cross-provider invite over every provider that can invite, in registry order."""
    capabilities = {spec.name: spec.invite for spec in providers if spec.invite is not None}
    flow = InviteAll(capabilities)
    return Task(
        provider=ACROSS,
        name="invite_testers",
        title="Invite testers everywhere",
        summary="Invite people to several beta programs at once: a preview per target, one approval, each email's "
        "outcome. Re-running never invites anyone twice.",
        params=params_model(capabilities),
        result=InviteAllResult,
        effect=Effect.WRITE,
        idempotent=True,
        toolset="invites",
        run=flow.run,
        plan=flow.plan,
    )
