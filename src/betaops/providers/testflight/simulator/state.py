"""The simulator's store: JSON:API resources by type and id, their relationships, and what happened.

Each resource keeps its attributes exactly as the wire shows them and its *stored* relationships
(the side that owns the link: a build knows its app, a group knows its testers). The other side
(an app's builds, a tester's groups) is derived from `RELATIONS`, so a link is never stored twice
and can never disagree with itself.

`write_log` and `requests` record what executed and what was received, like every simulator here.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from betaops.sim.clock import iso
from betaops.sim.request_log import RequestRecord, WriteRecord


@dataclass
class Resource:
    type: str
    id: str
    attributes: dict[str, Any]
    rels: dict[str, Any] = field(default_factory=dict)
    """Stored relationships: name -> id (to-one, or None) or list of ids (to-many)."""
    seq: int = 0
    """Insertion order: the default sort."""


@dataclass(frozen=True)
class Relation:
    """How `(type, name)` is resolved: stored on this resource, or the inverse of a stored one."""

    target: str
    to_many: bool
    inverse_of: tuple[str, str] | None = None  # (source type, stored relationship on the source)


RELATIONS: dict[tuple[str, str], Relation] = {
    # apps: everything derived
    ("apps", "builds"): Relation("builds", True, ("builds", "app")),
    ("apps", "preReleaseVersions"): Relation("preReleaseVersions", True, ("preReleaseVersions", "app")),
    ("apps", "betaGroups"): Relation("betaGroups", True, ("betaGroups", "app")),
    ("apps", "betaAppLocalizations"): Relation("betaAppLocalizations", True, ("betaAppLocalizations", "app")),
    ("apps", "betaAppReviewDetail"): Relation("betaAppReviewDetails", False, ("betaAppReviewDetails", "app")),
    ("apps", "betaLicenseAgreement"): Relation("betaLicenseAgreements", False, ("betaLicenseAgreements", "app")),
    ("apps", "betaTesters"): Relation("betaTesters", True, ("betaTesters", "apps")),
    ("apps", "betaFeedbackCrashSubmissions"): Relation(
        "betaFeedbackCrashSubmissions", True, ("betaFeedbackCrashSubmissions", "app")
    ),
    ("apps", "betaFeedbackScreenshotSubmissions"): Relation(
        "betaFeedbackScreenshotSubmissions", True, ("betaFeedbackScreenshotSubmissions", "app")
    ),
    ("apps", "appEncryptionDeclarations"): Relation(
        "appEncryptionDeclarations", True, ("appEncryptionDeclarations", "app")
    ),
    # builds
    ("builds", "app"): Relation("apps", False),
    ("builds", "preReleaseVersion"): Relation("preReleaseVersions", False),
    ("builds", "buildBetaDetail"): Relation("buildBetaDetails", False),
    ("builds", "appEncryptionDeclaration"): Relation("appEncryptionDeclarations", False),
    ("builds", "individualTesters"): Relation("betaTesters", True),
    ("builds", "buildBundles"): Relation("buildBundles", True),
    ("builds", "betaGroups"): Relation("betaGroups", True, ("betaGroups", "builds")),
    ("builds", "betaBuildLocalizations"): Relation("betaBuildLocalizations", True, ("betaBuildLocalizations", "build")),
    ("builds", "betaAppReviewSubmission"): Relation(
        "betaAppReviewSubmissions", False, ("betaAppReviewSubmissions", "build")
    ),
    ("buildBetaDetails", "build"): Relation("builds", False),
    ("preReleaseVersions", "app"): Relation("apps", False),
    ("preReleaseVersions", "builds"): Relation("builds", True, ("builds", "preReleaseVersion")),
    # groups and testers
    ("betaGroups", "app"): Relation("apps", False),
    ("betaGroups", "builds"): Relation("builds", True),
    ("betaGroups", "betaTesters"): Relation("betaTesters", True),
    ("betaGroups", "betaRecruitmentCriteria"): Relation("betaRecruitmentCriteria", False),
    ("betaGroups", "betaRecruitmentCriterionCompatibleBuildCheck"): Relation(
        "betaRecruitmentCriterionCompatibleBuildChecks", False
    ),
    ("betaTesters", "apps"): Relation("apps", True),
    ("betaTesters", "betaGroups"): Relation("betaGroups", True, ("betaGroups", "betaTesters")),
    ("betaTesters", "builds"): Relation("builds", True, ("builds", "individualTesters")),
    # metadata
    ("betaAppLocalizations", "app"): Relation("apps", False),
    ("betaBuildLocalizations", "build"): Relation("builds", False),
    ("betaAppReviewDetails", "app"): Relation("apps", False),
    ("betaAppReviewSubmissions", "build"): Relation("builds", False),
    ("betaLicenseAgreements", "app"): Relation("apps", False),
    ("appEncryptionDeclarations", "app"): Relation("apps", False),
    ("appEncryptionDeclarations", "builds"): Relation("builds", True, ("builds", "appEncryptionDeclaration")),
    # feedback
    ("betaFeedbackCrashSubmissions", "build"): Relation("builds", False),
    ("betaFeedbackCrashSubmissions", "tester"): Relation("betaTesters", False),
    ("betaFeedbackCrashSubmissions", "crashLog"): Relation("betaCrashLogs", False),
    ("betaFeedbackScreenshotSubmissions", "build"): Relation("builds", False),
    ("betaFeedbackScreenshotSubmissions", "tester"): Relation("betaTesters", False),
    # app clips
    ("buildBundles", "betaAppClipInvocations"): Relation(
        "betaAppClipInvocations", True, ("betaAppClipInvocations", "buildBundle")
    ),
    ("betaAppClipInvocations", "betaAppClipInvocationLocalizations"): Relation(
        "betaAppClipInvocationLocalizations", True, ("betaAppClipInvocationLocalizations", "betaAppClipInvocation")
    ),
}
"""Every relationship the simulator models. Schema relationships not listed here are not rendered."""

# Internal/external beta states that let a build be added to groups (NOTES §3.6).
READY_INTERNAL = frozenset({"READY_FOR_BETA_TESTING", "IN_BETA_TESTING"})
READY_EXTERNAL = frozenset(
    {"READY_FOR_BETA_SUBMISSION", "WAITING_FOR_BETA_REVIEW", "IN_BETA_REVIEW", "BETA_APPROVED",
     "READY_FOR_BETA_TESTING", "IN_BETA_TESTING"}
)  # fmt: skip


@dataclass
class TestFlightState:
    """All resources of one simulated App Store Connect team."""

    resources: dict[str, dict[str, Resource]] = field(default_factory=dict)
    now: float = 0.0
    """The seed's notion of now (the simulated clock's start); live writes use the config clock."""
    write_log: list[WriteRecord] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    """Tester notifications sent (buildBetaNotifications, invitations): what a tester would receive."""
    seed: int = 11
    ids: dict[str, str] = field(default_factory=dict)
    """Named ids from the seed (`"trailhead.321"` -> that build's id), so tests need no raw ids."""
    _seq: int = 0
    _rng: random.Random = field(default_factory=lambda: random.Random(0))

    __test__ = False  # not a pytest class

    # ------------------------------------------------------------------ storage

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def add(
        self, rtype: str, attributes: dict[str, Any], rels: dict[str, Any] | None = None, rid: str | None = None
    ) -> Resource:
        self._seq += 1
        res = Resource(rtype, rid or self.new_id(), dict(attributes), dict(rels or {}), self._seq)
        self.resources.setdefault(rtype, {})[res.id] = res
        return res

    def get(self, rtype: str, rid: str) -> Resource | None:
        return self.resources.get(rtype, {}).get(rid)

    def all(self, rtype: str) -> list[Resource]:
        return list(self.resources.get(rtype, {}).values())

    def remove(self, rtype: str, rid: str) -> None:
        """Delete a resource and every stored link to it."""
        self.resources.get(rtype, {}).pop(rid, None)
        for (src_type, name), rel in RELATIONS.items():
            if rel.inverse_of is not None or rel.target != rtype:
                continue
            for res in self.all(src_type):
                value = res.rels.get(name)
                if isinstance(value, list) and rid in value:
                    value.remove(rid)
                elif value == rid:
                    res.rels[name] = None

    # ------------------------------------------------------------ relationships

    def related_ids(self, res: Resource, name: str) -> list[str]:
        """Ids on the other side of `res.name` (a to-one gives zero or one)."""
        rel = RELATIONS.get((res.type, name))
        if rel is None:
            return []
        if rel.target == "betaRecruitmentCriterionCompatibleBuildChecks":
            return [res.id]
        if rel.inverse_of is None:
            value = res.rels.get(name)
            if value is None:
                return []
            return list(value) if isinstance(value, list) else [value]
        src_type, src_name = rel.inverse_of
        out = []
        for other in self.all(src_type):
            value = other.rels.get(src_name)
            if value == res.id or (isinstance(value, list) and res.id in value):
                out.append(other.id)
        if not rel.to_many and len(out) > 1:
            out = out[-1:]  # the latest (e.g. a build's newest review submission)
        return out

    def related(self, res: Resource, name: str) -> list[Resource]:
        rel = RELATIONS.get((res.type, name))
        if rel is None:
            return []
        if rel.target == "betaRecruitmentCriterionCompatibleBuildChecks":
            return [self.compatible_build_check(res)]
        return [r for rid in self.related_ids(res, name) if (r := self.get(rel.target, rid)) is not None]

    def one(self, res: Resource, name: str) -> Resource | None:
        found = self.related(res, name)
        return found[0] if found else None

    def link(self, res: Resource, name: str, rid: str) -> bool:
        """Add `rid` to a stored to-many; False if it was already there."""
        value = res.rels.setdefault(name, [])
        if rid in value:
            return False
        value.append(rid)
        return True

    def unlink(self, res: Resource, name: str, rid: str) -> bool:
        value = res.rels.get(name) or []
        if rid in value:
            value.remove(rid)
            return True
        return False

    # ------------------------------------------------------------- derived views

    def compatible_build_check(self, group: Resource) -> Resource:
        """The virtual `betaRecruitmentCriterionCompatibleBuildChecks` resource of a group."""
        criterion = self.one(group, "betaRecruitmentCriteria")
        builds = self.related(group, "builds")
        ok = any(b.attributes.get("processingState") == "VALID" and not b.attributes.get("expired") for b in builds)
        if criterion is not None and ok:
            filters = criterion.attributes.get("deviceFamilyOsVersionFilters") or []
            ok = (
                any(
                    _os_at_most(b.attributes.get("minOsVersion"), f.get("maximumOsInclusive"))
                    for b in builds
                    for f in filters
                )
                or not filters
            )
        return Resource("betaRecruitmentCriterionCompatibleBuildChecks", group.id, {"hasCompatibleBuild": ok})

    def app_of(self, res: Resource) -> Resource | None:
        if res.type == "apps":
            return res
        if res.type in ("builds", "betaGroups", "preReleaseVersions"):
            return self.one(res, "app")
        return None

    def external_tester_ids(self, app_id: str) -> set[str]:
        """Testers of the app reached through an external group (what the 10,000 cap counts)."""
        out: set[str] = set()
        for group in self.all("betaGroups"):
            if group.rels.get("app") == app_id and not group.attributes.get("isInternalGroup"):
                out.update(group.rels.get("betaTesters") or [])
        return out

    def beta_detail(self, build: Resource) -> Resource | None:
        return self.one(build, "buildBetaDetail")

    def iter_testers_of_app(self, app_id: str) -> Iterator[Resource]:
        for tester in self.all("betaTesters"):
            if app_id in (tester.rels.get("apps") or []):
                yield tester

    # ------------------------------------------------------------ state machine

    def advance_reviews(self, approve: bool = True, at: float | None = None) -> list[str]:
        """Finish every pending beta review: WAITING/IN_REVIEW -> APPROVED (or REJECTED).

        The build's external state follows: BETA_APPROVED -> READY_FOR_BETA_TESTING (or
        BETA_REJECTED). Returns the ids of the submissions decided. Tests call this instead of waiting.
        """
        decided = []
        for sub in self.all("betaAppReviewSubmissions"):
            if sub.attributes.get("betaReviewState") not in ("WAITING_FOR_REVIEW", "IN_REVIEW"):
                continue
            sub.attributes["betaReviewState"] = "APPROVED" if approve else "REJECTED"
            decided.append(sub.id)
            build = self.get("builds", sub.rels.get("build") or "")
            detail = self.beta_detail(build) if build else None
            if detail is not None:
                detail.attributes["externalBuildState"] = "READY_FOR_BETA_TESTING" if approve else "BETA_REJECTED"
                if approve and build is not None and self._in_external_group(build):
                    detail.attributes["externalBuildState"] = "IN_BETA_TESTING"
        return decided

    def start_reviews(self) -> list[str]:
        """WAITING_FOR_REVIEW -> IN_REVIEW, as Apple picks submissions up."""
        moved = []
        for sub in self.all("betaAppReviewSubmissions"):
            if sub.attributes.get("betaReviewState") == "WAITING_FOR_REVIEW":
                sub.attributes["betaReviewState"] = "IN_REVIEW"
                moved.append(sub.id)
                build = self.get("builds", sub.rels.get("build") or "")
                detail = self.beta_detail(build) if build else None
                if detail is not None:
                    detail.attributes["externalBuildState"] = "IN_BETA_REVIEW"
        return moved

    def advance_processing(self) -> list[str]:
        """Finish processing: every PROCESSING build becomes VALID and its beta states move on.

        A build that declared non-exempt encryption without a declaration stays at
        MISSING_EXPORT_COMPLIANCE (internal) until one is attached.
        """
        done = []
        for build in self.all("builds"):
            if build.attributes.get("processingState") != "PROCESSING":
                continue
            build.attributes["processingState"] = "VALID"
            done.append(build.id)
            detail = self.beta_detail(build)
            if detail is None:
                continue
            self.settle_beta_states(build, detail)
        return done

    def settle_beta_states(self, build: Resource, detail: Resource) -> None:
        """The beta states a processed build rests in, from its compliance and audience."""
        if build.attributes.get("expired"):
            detail.attributes["internalBuildState"] = "EXPIRED"
            detail.attributes["externalBuildState"] = "EXPIRED"
            return
        encryption = build.attributes.get("usesNonExemptEncryption")
        if encryption is None or (encryption and not build.rels.get("appEncryptionDeclaration")):
            detail.attributes["internalBuildState"] = "MISSING_EXPORT_COMPLIANCE"
            detail.attributes["externalBuildState"] = "MISSING_EXPORT_COMPLIANCE"
            return
        in_internal = any(g.attributes.get("isInternalGroup") for g in self.related(build, "betaGroups"))
        detail.attributes["internalBuildState"] = "IN_BETA_TESTING" if in_internal else "READY_FOR_BETA_TESTING"
        if build.attributes.get("buildAudienceType") == "INTERNAL_ONLY":
            detail.attributes["externalBuildState"] = "NOT_APPLICABLE"
            return
        sub = self.one(build, "betaAppReviewSubmission")
        state = sub.attributes.get("betaReviewState") if sub else None
        external = {
            None: "READY_FOR_BETA_SUBMISSION",
            "WAITING_FOR_REVIEW": "WAITING_FOR_BETA_REVIEW",
            "IN_REVIEW": "IN_BETA_REVIEW",
            "REJECTED": "BETA_REJECTED",
            "APPROVED": "IN_BETA_TESTING" if self._in_external_group(build) else "READY_FOR_BETA_TESTING",
        }[state]
        detail.attributes["externalBuildState"] = external

    def _in_external_group(self, build: Resource) -> bool:
        return any(not g.attributes.get("isInternalGroup") for g in self.related(build, "betaGroups"))

    def expire_build(self, build: Resource) -> None:
        build.attributes["expired"] = True
        detail = self.beta_detail(build)
        if detail is not None:
            detail.attributes["internalBuildState"] = "EXPIRED"
            detail.attributes["externalBuildState"] = "EXPIRED"

    def stamp(self, ts: float) -> str:
        return iso(ts)


def _os_at_most(min_os: Any, maximum: Any) -> bool:
    if not isinstance(min_os, str) or not isinstance(maximum, str):
        return True

    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(p) for p in v.split(".") if p.isdigit())

    return parts(min_os) <= parts(maximum)
