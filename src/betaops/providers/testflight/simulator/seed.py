"""A deterministic, realistic App Store Connect team for the simulator.

Four apps:
- Trailhead (iOS): the big one. 520+ testers across internal, external and public-link groups; builds
  in every processing and beta state (VALID in testing, READY_FOR_BETA_SUBMISSION, PROCESSING,
  MISSING_EXPORT_COMPLIANCE, FAILED, expired, INTERNAL_ONLY, WAITING_FOR_BETA_REVIEW), recruitment
  criteria, crash and screenshot feedback (some with hostile text).
- Ledgerly (iOS): export compliance with a declaration, a rejected and an in-review build.
- Pocket Sous Chef (iOS): an App Clip with invocations; one build still processing.
- Harbor Notes (macOS): no groups and no beta app information yet (to test those preconditions).

Same seed, same ids and data: tests may refer to `SEED_IDS` names instead of raw ids.
"""

from __future__ import annotations

import random
from typing import Any

from betaops.providers.testflight.simulator.config import SIM_NOW
from betaops.providers.testflight.simulator.seed_text import (
    CRASH_COMMENTS,
    DEVICES,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    HOSTILE_COMMENTS,
    LAST_NAMES,
    SCREENSHOT_COMMENTS,
    WHATS_NEW,
)
from betaops.providers.testflight.simulator.state import Resource, TestFlightState
from betaops.sim.clock import iso

DAY = 86400.0
# Screenshot download links: another host, as Apple's are; the simulator serves any host's path.
SCREENSHOT_HOST = "https://tf-feedback.example.com"
SCREENSHOTS = "/_feedback"
BUILD_LIFETIME = 90 * DAY
BIG_APP_TESTERS = 520


def _days_ago(days: float) -> float:
    return SIM_NOW - days * DAY


class _Seeder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.state = TestFlightState(now=SIM_NOW, seed=seed, _rng=random.Random(seed * 7919 + 1))
        self.ids: dict[str, str] = {}

    def name(self, key: str, res: Resource) -> Resource:
        self.ids[key] = res.id
        return res

    # ---------------------------------------------------------------------- apps

    def app(self, key: str, rid: str, name: str, bundle: str, sku: str, locale: str = "en-US") -> Resource:
        res = self.state.add(
            "apps",
            {
                "name": name,
                "bundleId": bundle,
                "sku": sku,
                "primaryLocale": locale,
                "isOrEverWasMadeForKids": False,
                "contentRightsDeclaration": "DOES_NOT_USE_THIRD_PARTY_CONTENT",
                "streamlinedPurchasingEnabled": True,
            },
            rid=rid,
        )
        return self.name(key, res)

    def version(self, key: str, app: Resource, version: str, platform: str = "IOS") -> Resource:
        return self.name(
            key, self.state.add("preReleaseVersions", {"version": version, "platform": platform}, {"app": app.id})
        )

    def build(
        self,
        key: str,
        app: Resource,
        pre: Resource,
        number: str,
        uploaded_days_ago: float,
        *,
        processing: str = "VALID",
        internal: str = "IN_BETA_TESTING",
        external: str = "IN_BETA_TESTING",
        encryption: bool | None = False,
        audience: str = "APP_STORE_ELIGIBLE",
        expired: bool = False,
        min_os: str = "17.0",
        declaration: Resource | None = None,
        auto_notify: bool = True,
    ) -> Resource:
        uploaded = _days_ago(uploaded_days_ago)
        build = self.state.add(
            "builds",
            {
                "version": number,
                "uploadedDate": iso(uploaded),
                "expirationDate": iso(uploaded + BUILD_LIFETIME),
                "expired": expired,
                "minOsVersion": min_os,
                "iconAssetToken": {
                    "templateUrl": f"https://is1-ssl.mzstatic.example.com/image/thumb/{app.id}/{number}/{{w}}x{{h}}bb.{{f}}",
                    "width": 1024,
                    "height": 1024,
                },
                "processingState": processing,
                "buildAudienceType": audience,
                "usesNonExemptEncryption": encryption,
            },
            {
                "app": app.id,
                "preReleaseVersion": pre.id,
                "individualTesters": [],
                "buildBundles": [],
                "appEncryptionDeclaration": declaration.id if declaration else None,
            },
        )
        detail = self.state.add(
            "buildBetaDetails",
            {"autoNotifyEnabled": auto_notify, "internalBuildState": internal, "externalBuildState": external},
            {"build": build.id},
        )
        build.rels["buildBetaDetail"] = detail.id
        self.ids[f"{key}.detail"] = detail.id
        return self.name(key, build)

    def group(
        self,
        key: str,
        app: Resource,
        name: str,
        days_ago: float,
        *,
        internal: bool,
        all_builds: bool = False,
        public_link: str | None = None,
        link_limit: int | None = None,
        builds: list[Resource] | None = None,
    ) -> Resource:
        attrs: dict[str, Any] = {
            "name": name,
            "createdDate": iso(_days_ago(days_ago)),
            "isInternalGroup": internal,
            "hasAccessToAllBuilds": all_builds,
            "publicLinkEnabled": public_link is not None,
            "publicLinkLimitEnabled": link_limit is not None,
            "feedbackEnabled": True,
            "iosBuildsAvailableForAppleSiliconMac": not internal,
            "iosBuildsAvailableForAppleVision": False,
        }
        if public_link is not None:
            attrs["publicLinkId"] = public_link
            attrs["publicLink"] = f"https://testflight.apple.com/join/{public_link}"
        if link_limit is not None:
            attrs["publicLinkLimit"] = link_limit
        res = self.state.add(
            "betaGroups",
            attrs,
            {"app": app.id, "builds": [b.id for b in builds or []], "betaTesters": [], "betaRecruitmentCriteria": None},
        )
        return self.name(key, res)

    def tester(self, first: str, last: str, email: str | None, state: str, invite: str = "EMAIL") -> Resource:
        devices = []
        if state in ("INSTALLED", "ACCEPTED"):
            model, platform, os_version = DEVICES[self.rng.randrange(len(DEVICES))]
            devices.append({"model": model, "platform": platform, "osVersion": os_version, "appBuildVersion": "320"})
        attrs: dict[str, Any] = {
            "firstName": first,
            "lastName": last,
            "inviteType": invite,
            "state": state,
            "appDevices": devices,
        }
        if email is not None:
            attrs["email"] = email
        return self.state.add("betaTesters", attrs, {"apps": []})

    def join(self, tester: Resource, *groups: Resource) -> None:
        for group in groups:
            if tester.id not in group.rels["betaTesters"]:
                group.rels["betaTesters"].append(tester.id)
            self.state.link(tester, "apps", group.rels["app"])

    def random_person(self, index: int) -> tuple[str, str, str]:
        first = FIRST_NAMES[self.rng.randrange(len(FIRST_NAMES))]
        last = LAST_NAMES[self.rng.randrange(len(LAST_NAMES))]
        local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        local = local.encode("ascii", "ignore").decode() or "tester"
        domain = EMAIL_DOMAINS[index % len(EMAIL_DOMAINS)]
        return first, last, f"{local}.{index}@{domain}"

    # ------------------------------------------------------------------ feedback

    def feedback_common(self, app: Resource, build: Resource, tester: Resource, days_ago: float) -> dict[str, Any]:
        model, platform, os_version = DEVICES[self.rng.randrange(len(DEVICES) - 1)]
        return {
            "createdDate": iso(_days_ago(days_ago)),
            "email": tester.attributes.get("email", "public-link-tester@privaterelay.example.com"),
            "deviceModel": model,
            "osVersion": os_version,
            "locale": self.rng.choice(["en-US", "de-DE", "fr-FR", "es-MX"]),
            "timeZone": self.rng.choice(["America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "America/Denver"]),
            "architecture": "arm64e",
            "connectionType": self.rng.choice(["WIFI", "MOBILE_DATA", "WIFI", "NONE"]),
            "pairedAppleWatch": self.rng.choice(["Watch7,1", "Watch6,18", ""]) or "None",
            "appUptimeInMilliseconds": self.rng.randrange(2_000, 3_600_000),
            "diskBytesAvailable": self.rng.randrange(2, 120) * 1_000_000_000,
            "diskBytesTotal": 256_000_000_000,
            "batteryPercentage": self.rng.randrange(3, 100),
            "screenWidthInPoints": 393,
            "screenHeightInPoints": 852,
            "appPlatform": "IOS",
            "devicePlatform": "IOS" if platform == "IOS" else "MAC_OS",
            "deviceFamily": "IPAD" if model.startswith("iPad") else "IPHONE",
            "buildBundleId": app.attributes["bundleId"],
        }

    def crash(self, app: Resource, build: Resource, tester: Resource, days_ago: float, comment: str) -> Resource:
        attrs = self.feedback_common(app, build, tester, days_ago) | {"comment": comment}
        log = self.state.add("betaCrashLogs", {"logText": _crash_log(app, build, self.rng)})
        return self.state.add(
            "betaFeedbackCrashSubmissions",
            attrs,
            {"app": app.id, "build": build.id, "tester": tester.id, "crashLog": log.id},
        )

    def screenshot(self, app: Resource, build: Resource, tester: Resource, days_ago: float, comment: str) -> Resource:
        attrs = self.feedback_common(app, build, tester, days_ago) | {"comment": comment}
        shots = self.rng.randrange(1, 3)
        attrs["screenshots"] = [
            {
                "url": f"{SCREENSHOT_HOST}{SCREENSHOTS}/{app.id}/{build.attributes['version']}/"
                f"{i}-{self.rng.randrange(10**8)}.png",
                "width": 1179,
                "height": 2556,
                "expirationDate": iso(SIM_NOW + 7 * DAY),
            }
            for i in range(shots)
        ]
        return self.state.add(
            "betaFeedbackScreenshotSubmissions", attrs, {"app": app.id, "build": build.id, "tester": tester.id}
        )


def _crash_log(app: Resource, build: Resource, rng: random.Random) -> str:
    name = str(app.attributes["name"]).split(":")[0].split(" ")[0]
    frames = "\n".join(
        f"{i}   {name if i % 3 else 'libswiftCore.dylib'}  0x{rng.randrange(16**9):09x} "
        f"{rng.choice(['MapTileCache.load(region:)', 'SyncEngine.flush()', 'swift_unknownObjectRelease', 'TrailStore.save(_:)'])} + {rng.randrange(40, 900)}"
        for i in range(8)
    )
    return (
        f"Incident Identifier: {rng.randrange(16**8):08X}-{rng.randrange(16**4):04X}-4{rng.randrange(16**3):03X}\n"
        f"Hardware Model:      iPhone16,2\n"
        f"Process:             {name} [{rng.randrange(300, 9000)}]\n"
        f"Identifier:          {app.attributes['bundleId']}\n"
        f"Version:             {build.attributes['version']}\n"
        "Code Type:           ARM-64 (Native)\n"
        "OS Version:          iPhone OS 18.1 (22B83)\n"
        "Exception Type:  EXC_BREAKPOINT (SIGTRAP)\n"
        "Termination Reason: SIGNAL 5 Trace/BPT trap: 5\n\n"
        f"Thread 0 Crashed:\n{frames}\n"
    )


def _localizations(s: _Seeder, app: Resource, locales: list[str], *, feedback: str) -> None:
    texts = {
        "en-US": f"Help us test {app.attributes['name']} before it ships. Try the features listed in What to Test.",
        "de-DE": f"Hilf uns, {app.attributes['name']} vor dem Release zu testen.",
        "fr-FR": f"Aidez-nous à tester {app.attributes['name']} avant sa sortie.",
        "es-MX": f"Ayúdanos a probar {app.attributes['name']} antes del lanzamiento.",
    }
    domain = app.attributes["bundleId"].split(".")[1]
    for locale in locales:
        s.state.add(
            "betaAppLocalizations",
            {
                "feedbackEmail": feedback,
                "marketingUrl": f"https://{domain}.example.com",
                "privacyPolicyUrl": f"https://{domain}.example.com/privacy",
                "description": texts[locale],
                "locale": locale,
            },
            {"app": app.id},
        )


def _app_info(s: _Seeder, app: Resource, contact: tuple[str, str, str] | None, agreement: str) -> None:
    attrs: dict[str, Any] = {"demoAccountRequired": False}
    if contact is not None:
        attrs |= {
            "contactFirstName": contact[0],
            "contactLastName": contact[1],
            "contactEmail": contact[2],
            "contactPhone": "+1 415 555 0134",
            "notes": "No login needed; location permission is optional.",
        }
    s.name(f"{app.id}.reviewDetail", s.state.add("betaAppReviewDetails", attrs, {"app": app.id}, rid=app.id))
    s.name(
        f"{app.id}.license",
        s.state.add("betaLicenseAgreements", {"agreementText": agreement}, {"app": app.id}, rid=app.id),
    )


def _submission(s: _Seeder, build: Resource, state: str, days_ago: float) -> Resource:
    return s.state.add(
        "betaAppReviewSubmissions",
        {"betaReviewState": state, "submittedDate": iso(_days_ago(days_ago))},
        {"build": build.id},
    )


def _whats_new(s: _Seeder, build: Resource, text: str, locales: tuple[str, ...] = ("en-US",)) -> None:
    for locale in locales:
        s.state.add("betaBuildLocalizations", {"whatsNew": text, "locale": locale}, {"build": build.id})


AGREEMENT = (
    "This beta software is provided for testing only. Do not share screenshots or details outside the "
    "beta. Feedback you send may be used to improve the app."
)


def build_state(seed: int = 11) -> TestFlightState:
    """The seeded team; deterministic for a given `seed` (the default is what the docs describe)."""
    s = _Seeder(seed)
    st = s.state

    # --------------------------------------------------------------------- Trailhead
    trail = s.app("trailhead", "1588204131", "Trailhead: Hiking Maps", "com.northpeak.trailhead", "TRAILHEAD-IOS")
    trail_decl = st.add(
        "appEncryptionDeclarations",
        {
            "appDescription": "Uses HTTPS only for map tile downloads.",
            "createdDate": iso(_days_ago(200)),
            "usesEncryption": True,
            "exempt": True,
            "containsProprietaryCryptography": False,
            "containsThirdPartyCryptography": False,
            "availableOnFrenchStore": True,
            "platform": "IOS",
            "appEncryptionDeclarationState": "APPROVED",
            "codeValue": "TRL-ENC-2026",
        },
        {"app": trail.id},
    )
    s.name("trailhead.declaration", trail_decl)
    v34 = s.version("trailhead.3.4.0", trail, "3.4.0")
    v35 = s.version("trailhead.3.5.0", trail, "3.5.0")
    v36 = s.version("trailhead.3.6.0", trail, "3.6.0")
    s.build("trailhead.310", trail, v34, "310", 104, expired=True, internal="EXPIRED", external="EXPIRED")
    b311 = s.build("trailhead.311", trail, v34, "311", 60)
    b320 = s.build("trailhead.320", trail, v35, "320", 21, declaration=trail_decl, encryption=True)
    b321 = s.build(
        "trailhead.321", trail, v35, "321", 6, internal="READY_FOR_BETA_TESTING", external="READY_FOR_BETA_SUBMISSION"
    )
    s.build(
        "trailhead.322",
        trail,
        v35,
        "322",
        0.05,
        processing="PROCESSING",
        internal="PROCESSING",
        external="PROCESSING",
        encryption=None,
    )
    s.build(
        "trailhead.323",
        trail,
        v35,
        "323",
        2,
        internal="MISSING_EXPORT_COMPLIANCE",
        external="MISSING_EXPORT_COMPLIANCE",
        encryption=None,
    )
    s.build(
        "trailhead.324",
        trail,
        v35,
        "324",
        1.5,
        processing="FAILED",
        internal="PROCESSING_EXCEPTION",
        external="PROCESSING_EXCEPTION",
        encryption=None,
    )
    b330 = s.build(
        "trailhead.330",
        trail,
        v36,
        "330",
        1,
        audience="INTERNAL_ONLY",
        internal="IN_BETA_TESTING",
        external="NOT_APPLICABLE",
        min_os="18.0",
    )
    b331 = s.build(
        "trailhead.331",
        trail,
        v36,
        "331",
        3,
        internal="IN_BETA_TESTING",
        external="WAITING_FOR_BETA_REVIEW",
        min_os="18.0",
    )
    _submission(s, b311, "APPROVED", 58)
    _submission(s, b320, "APPROVED", 19)
    s.name("trailhead.331.submission", _submission(s, b331, "WAITING_FOR_REVIEW", 2.5))
    for b, text in ((b311, WHATS_NEW[2]), (b320, WHATS_NEW[0]), (b321, WHATS_NEW[1]), (b331, WHATS_NEW[1])):
        _whats_new(s, b, text, ("en-US", "de-DE") if b is b320 else ("en-US",))

    core = s.group(
        "trailhead.core", trail, "Core Team", 400, internal=True, all_builds=True, builds=[b311, b320, b330, b331]
    )
    qa = s.group("trailhead.qa", trail, "QA Internal", 380, internal=True, builds=[b320, b321, b330])
    public = s.group(
        "trailhead.public",
        trail,
        "Public Beta",
        300,
        internal=False,
        public_link="tR4iLh3d",
        link_limit=2000,
        builds=[b311, b320],
    )
    crew = s.group("trailhead.crew", trail, "Trail Crew", 250, internal=False, builds=[b320])
    pilots = s.group("trailhead.pilots", trail, "Enterprise Pilots", 90, internal=False)
    criterion = st.add(
        "betaRecruitmentCriteria",
        {
            "lastModifiedDate": iso(_days_ago(30)),
            "deviceFamilyOsVersionFilters": [
                {"deviceFamily": "IPHONE", "minimumOsInclusive": "17.0", "maximumOsInclusive": "18.2"},
                {"deviceFamily": "IPAD", "minimumOsInclusive": "17.0", "maximumOsInclusive": "18.2"},
            ],
        },
    )
    public.rels["betaRecruitmentCriteria"] = s.name("trailhead.public.criteria", criterion).id

    states = ["INSTALLED"] * 8 + ["ACCEPTED"] * 4 + ["INVITED"] * 5 + ["NOT_INVITED"] + ["REVOKED"] * 2
    trail_testers: list[Resource] = []
    staff = [
        ("Maya", "Okafor"),
        ("Jonas", "Lindqvist"),
        ("Priya", "Patel"),
        ("Diego", "García"),
        ("Hana", "Tanaka"),
        ("Felix", "Moreau"),
    ]
    for i, (first, last) in enumerate(staff):
        t = s.tester(first, last, f"{first.lower()}@northpeak.example.com", "INSTALLED")
        s.join(t, core)
        if i < 3:
            s.join(t, qa)
        trail_testers.append(t)
    s.ids["trailhead.staff.maya"] = trail_testers[0].id
    for i in range(BIG_APP_TESTERS - len(staff)):
        state = states[s.rng.randrange(len(states))]
        via_link = i % 4 == 0
        first, last, email = s.random_person(i)
        t = s.tester(
            first, last, None if via_link and i % 8 == 0 else email, state, "PUBLIC_LINK" if via_link else "EMAIL"
        )
        if via_link:
            s.join(t, public)
        elif i % 4 == 1:
            s.join(t, crew)
        elif i % 4 == 2:
            s.join(t, public, crew)
        else:
            s.join(t, pilots if i % 3 == 0 else crew)
        trail_testers.append(t)
    # individual testers on a build
    for t in trail_testers[10:14]:
        b320.rels["individualTesters"].append(t.id)
    s.ids["trailhead.tester.first_external"] = trail_testers[len(staff)].id

    _localizations(s, trail, ["en-US", "de-DE", "fr-FR"], feedback="beta@northpeak.example.com")
    _app_info(s, trail, ("Maya", "Okafor", "maya@northpeak.example.com"), AGREEMENT)

    # feedback: crashes with logs, screenshots; a few hostile comments
    reporters = [t for t in trail_testers if t.attributes["state"] == "INSTALLED"][:30]
    for i, comment in enumerate(CRASH_COMMENTS):
        s.crash(trail, b320 if i % 2 else b311, reporters[i], 1 + i * 1.7, comment)
    hostile = s.crash(trail, b320, reporters[9], 0.4, HOSTILE_COMMENTS[0])
    s.name("trailhead.crash.hostile", hostile)
    s.crash(trail, b320, reporters[10], 0.9, HOSTILE_COMMENTS[1])
    for i, comment in enumerate(SCREENSHOT_COMMENTS[:4]):
        s.screenshot(trail, b320, reporters[12 + i], 0.5 + i * 2.1, comment)
    s.name("trailhead.screenshot.hostile", s.screenshot(trail, b320, reporters[17], 0.2, HOSTILE_COMMENTS[2]))
    s.screenshot(trail, b311, reporters[18], 11, HOSTILE_COMMENTS[3])

    # ---------------------------------------------------------------------- Ledgerly
    ledger = s.app("ledgerly", "1622950487", "Ledgerly - Budget Planner", "io.ledgerly.app", "LEDGERLY-01")
    ledger_decl = st.add(
        "appEncryptionDeclarations",
        {
            "appDescription": "End-to-end encryption of synced budgets (AES-GCM, proprietary key exchange).",
            "createdDate": iso(_days_ago(120)),
            "usesEncryption": True,
            "exempt": False,
            "containsProprietaryCryptography": True,
            "containsThirdPartyCryptography": True,
            "availableOnFrenchStore": True,
            "platform": "IOS",
            "appEncryptionDeclarationState": "APPROVED",
            "codeValue": "LDG-5D002",
        },
        {"app": ledger.id},
    )
    s.name("ledgerly.declaration", ledger_decl)
    l21 = s.version("ledgerly.2.1.0", ledger, "2.1.0")
    b88 = s.build("ledgerly.88", ledger, l21, "88", 30, encryption=True, declaration=ledger_decl)
    b89 = s.build(
        "ledgerly.89",
        ledger,
        l21,
        "89",
        12,
        encryption=True,
        declaration=ledger_decl,
        internal="IN_BETA_TESTING",
        external="BETA_REJECTED",
    )
    s.build(
        "ledgerly.90",
        ledger,
        l21,
        "90",
        4,
        encryption=True,
        declaration=ledger_decl,
        internal="READY_FOR_BETA_TESTING",
        external="READY_FOR_BETA_SUBMISSION",
    )
    b91 = s.build(
        "ledgerly.91",
        ledger,
        l21,
        "91",
        2,
        encryption=True,
        declaration=ledger_decl,
        internal="IN_BETA_TESTING",
        external="IN_BETA_REVIEW",
    )
    _submission(s, b88, "APPROVED", 28)
    _submission(s, b89, "REJECTED", 10)
    _submission(s, b91, "IN_REVIEW", 1.5)
    _whats_new(s, b88, WHATS_NEW[3])
    staff_l = s.group("ledgerly.staff", ledger, "Ledgerly Staff", 200, internal=True, builds=[b88, b89, b91])
    early = s.group("ledgerly.early", ledger, "Early Access", 150, internal=False, public_link="Ldg9xQ2a", builds=[b88])
    for i in range(40):
        first, last, email = s.random_person(1000 + i)
        t = s.tester(first, last, email, states[s.rng.randrange(len(states))])
        s.join(t, staff_l if i < 5 else early)
    for t in trail_testers[30:33]:  # testers of two apps
        s.join(t, early)
    _localizations(s, ledger, ["en-US"], feedback="beta@ledgerly.example.com")
    _app_info(s, ledger, ("Ravi", "Mensah", "ravi@ledgerly.example.com"), AGREEMENT)
    ledger_reporter = st.get("betaTesters", early.rels["betaTesters"][0])
    assert ledger_reporter is not None
    s.screenshot(ledger, b88, ledger_reporter, 3, SCREENSHOT_COMMENTS[4])
    s.crash(ledger, b88, ledger_reporter, 2, "Crashed when importing a CSV bank export.")

    # ---------------------------------------------------------------- Pocket Sous Chef
    chef = s.app("souschef", "1643378902", "Pocket Sous Chef", "com.sizzlelabs.souschef", "SOUSCHEF-IOS")
    c10 = s.version("souschef.1.0.0", chef, "1.0.0")
    b12 = s.build("souschef.12", chef, c10, "12", 9)
    s.build(
        "souschef.13",
        chef,
        c10,
        "13",
        0.02,
        processing="PROCESSING",
        internal="PROCESSING",
        external="PROCESSING",
        encryption=None,
    )
    _submission(s, b12, "APPROVED", 8)
    _whats_new(s, b12, WHATS_NEW[4], ("en-US", "es-MX"))
    main_bundle = st.add(
        "buildBundles",
        {"bundleId": "com.sizzlelabs.souschef", "bundleType": "APP", "sdkBuild": "22B74", "platformBuild": "22B74",
         "fileName": "SousChef.ipa", "hasSirikit": False, "hasOnDemandResources": False, "hasPrerenderedIcon": False,
         "usesLocationServices": False, "isIosBuildMacAppStoreCompatible": True, "includesSymbols": True,
         "supportedArchitectures": ["arm64"], "requiredCapabilities": ["arm64"], "deviceProtocols": [],
         "locales": ["en", "es-MX"], "entitlements": {}, "minimumOsVersion": "17.0"},
    )  # fmt: skip
    clip_bundle = st.add(
        "buildBundles",
        {"bundleId": "com.sizzlelabs.souschef.Clip", "bundleType": "APP_CLIP", "sdkBuild": "22B74",
         "platformBuild": "22B74", "fileName": "SousChefClip.ipa", "hasSirikit": False, "hasOnDemandResources": False,
         "hasPrerenderedIcon": False, "usesLocationServices": False, "isIosBuildMacAppStoreCompatible": False,
         "includesSymbols": True, "supportedArchitectures": ["arm64"], "requiredCapabilities": ["arm64"],
         "deviceProtocols": [], "locales": ["en"], "entitlements": {}, "minimumOsVersion": "17.0"},
    )  # fmt: skip
    s.name("souschef.bundle.app", main_bundle)
    s.name("souschef.bundle.clip", clip_bundle)
    b12.rels["buildBundles"] = [main_bundle.id, clip_bundle.id]
    for url, titles in (
        (
            "https://souschef.example.com/clip/timer",
            {"en-US": "Start a kitchen timer", "es-MX": "Inicia un temporizador"},
        ),
        ("https://souschef.example.com/clip/recipe?id=42", {"en-US": "Open today's recipe"}),
    ):
        inv = st.add("betaAppClipInvocations", {"url": url}, {"buildBundle": clip_bundle.id})
        s.ids.setdefault("souschef.invocation", inv.id)
        for locale, title in titles.items():
            loc = st.add(
                "betaAppClipInvocationLocalizations",
                {"title": title, "locale": locale},
                {"betaAppClipInvocation": inv.id},
            )
            s.ids.setdefault("souschef.invocation.localization", loc.id)
    kitchen = s.group("souschef.kitchen", chef, "Kitchen Crew", 60, internal=True, builds=[b12])
    cooks = s.group("souschef.cooks", chef, "Home Cooks", 45, internal=False, builds=[b12])
    for i in range(25):
        first, last, email = s.random_person(2000 + i)
        t = s.tester(first, last, email, states[s.rng.randrange(len(states))])
        s.join(t, kitchen if i < 4 else cooks)
    _localizations(s, chef, ["en-US", "es-MX"], feedback="beta@sizzlelabs.example.com")
    _app_info(s, chef, ("Elena", "Rossi", "elena@sizzlelabs.example.com"), AGREEMENT)
    cook = st.get("betaTesters", cooks.rels["betaTesters"][0])
    assert cook is not None
    s.screenshot(chef, b12, cook, 1.2, SCREENSHOT_COMMENTS[5])

    # ------------------------------------------------------------------ Harbor Notes
    harbor = s.app("harbor", "1671145560", "Harbor Notes", "com.harborsoft.notes", "HARBOR-MAC")
    h09 = s.version("harbor.0.9.0", harbor, "0.9.0", platform="MAC_OS")
    s.build(
        "harbor.5",
        harbor,
        h09,
        "5",
        3,
        internal="READY_FOR_BETA_TESTING",
        external="READY_FOR_BETA_SUBMISSION",
        min_os="14.0",
    )
    _app_info(s, harbor, None, AGREEMENT)

    # ------------------------------------------------------- recruitment criterion options
    st.add(
        "betaRecruitmentCriterionOptions",
        {
            "deviceFamilyOsVersions": [
                {"deviceFamily": "IPHONE", "osVersions": ["16.0", "16.7", "17.0", "17.6", "18.0", "18.1", "18.2"]},
                {"deviceFamily": "IPAD", "osVersions": ["16.0", "17.0", "17.6", "18.0", "18.1", "18.2"]},
                {"deviceFamily": "MAC", "osVersions": ["14.0", "15.0", "15.1"]},
                {"deviceFamily": "VISION", "osVersions": ["2.0", "2.1"]},
            ]
        },
        rid="IOS",
    )
    st.ids = s.ids
    return st
