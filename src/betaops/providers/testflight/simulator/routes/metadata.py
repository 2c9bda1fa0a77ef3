"""Localizations, license agreements, App Clip invocations and feedback: the writes."""

from __future__ import annotations

from typing import Any

from betaops.providers.testflight.simulator.context import Check, Ctx, Handler, Reply, deleter, updater
from betaops.providers.testflight.simulator.errors import conflict, unprocessable
from betaops.providers.testflight.simulator.rules import WHATS_NEW_MAX, check_email, check_locale

URL_FIELDS = ("marketingUrl", "privacyPolicyUrl")


def _duplicate_locale(
    ctx: Ctx, rtype: str, owner_rel: str, owner_id: str, locale: str, exclude: str | None = None
) -> None:
    for res in ctx.state.all(rtype):
        if res.id != exclude and res.rels.get(owner_rel) == owner_id and res.attributes.get("locale") == locale:
            raise conflict(
                "ENTITY_ERROR.ATTRIBUTE.INVALID",
                f"A {rtype} resource for locale '{locale}' already exists for this {owner_rel}.",
                "/data/attributes/locale",
            )


def _check_app_loc_attrs(attrs: dict[str, Any]) -> None:
    if attrs.get("feedbackEmail") is not None:
        check_email(attrs["feedbackEmail"], "/data/attributes/feedbackEmail")
    for key in URL_FIELDS:
        value = attrs.get(key)
        if value is not None and not str(value).startswith(("https://", "http://")):
            raise conflict(
                "ENTITY_ERROR.ATTRIBUTE.INVALID", f"'{value}' is not a valid URL.", f"/data/attributes/{key}"
            )
    if len(str(attrs.get("description") or "")) > 4000:
        raise conflict(
            "ENTITY_ERROR.ATTRIBUTE.INVALID",
            "The description is longer than 4000 characters.",
            "/data/attributes/description",
        )


def _check_whats_new(attrs: dict[str, Any]) -> None:
    text = attrs.get("whatsNew")
    if text is not None and len(str(text).encode()) > WHATS_NEW_MAX:
        raise conflict(
            "ENTITY_ERROR.ATTRIBUTE.INVALID",
            f"What to Test (whatsNew) is longer than {WHATS_NEW_MAX} bytes.",
            "/data/attributes/whatsNew",
        )


def _localizations(rtype: str, owner: str, owner_type: str, check: Check) -> tuple[Handler, Handler, Handler]:
    """Create, update and delete for a localization of an `owner` (one per locale)."""

    def create(ctx: Ctx) -> Reply:
        parent = ctx.related_in_body(owner, owner_type, f"/data/relationships/{owner}/data/id")
        attrs = ctx.attributes
        locale = check_locale(attrs.get("locale"))
        _duplicate_locale(ctx, rtype, owner, parent.id, locale)
        check(attrs)
        loc = ctx.state.add(rtype, {k: v for k, v in attrs.items() if v is not None}, {owner: parent.id})
        return ctx.created(loc)

    return create, updater(rtype, check), deleter(rtype)


create_app_localization, update_app_localization, delete_app_localization = _localizations(
    "betaAppLocalizations", "app", "apps", _check_app_loc_attrs
)
create_build_localization, update_build_localization, delete_build_localization = _localizations(
    "betaBuildLocalizations", "build", "builds", _check_whats_new
)


update_license = updater("betaLicenseAgreements")


# ------------------------------------------------------------------------------ app clips


def create_invocation(ctx: Ctx) -> Reply:
    bundle = ctx.related_in_body("buildBundle", "buildBundles", "/data/relationships/buildBundle/data/id")
    if bundle.attributes.get("bundleType") != "APP_CLIP":
        raise conflict(
            "ENTITY_ERROR.RELATIONSHIP.INVALID",
            f"The build bundle '{bundle.id}' is not an App Clip bundle.",
            "/data/relationships/buildBundle/data/id",
        )
    inline = {item.get("id"): item for item in ctx.body.get("included") or []}
    locs: list[dict[str, Any]] = []
    seen_locales: set[str] = set()
    for i, ref in enumerate(ctx.rel_ids("betaAppClipInvocationLocalizations")):
        item = inline.get(ref)
        if item is None:
            raise unprocessable(
                f"The localization '{ref}' must be given inline in 'included'.",
                f"/data/relationships/betaAppClipInvocationLocalizations/data/{i}/id",
            )
        attrs = item["attributes"]
        locale = check_locale(attrs.get("locale"), f"/included/{i}/attributes/locale")
        if locale in seen_locales:
            raise conflict(
                "ENTITY_ERROR.ATTRIBUTE.INVALID",
                f"Locale '{locale}' is given twice.",
                f"/included/{i}/attributes/locale",
            )
        seen_locales.add(locale)
        locs.append(attrs)
    invocation = ctx.state.add("betaAppClipInvocations", {"url": ctx.attributes["url"]}, {"buildBundle": bundle.id})
    for attrs in locs:
        ctx.state.add(
            "betaAppClipInvocationLocalizations",
            {"title": attrs["title"], "locale": attrs["locale"]},
            {"betaAppClipInvocation": invocation.id},
        )
    return ctx.created(invocation)


update_invocation = updater("betaAppClipInvocations")


def delete_invocation(ctx: Ctx) -> Reply:
    invocation = ctx.load("betaAppClipInvocations")
    for loc in ctx.state.related(invocation, "betaAppClipInvocationLocalizations"):
        ctx.state.remove(loc.type, loc.id)
    ctx.state.remove("betaAppClipInvocations", invocation.id)
    return Reply(204)


def create_invocation_localization(ctx: Ctx) -> Reply:
    invocation = ctx.related_in_body(
        "betaAppClipInvocation", "betaAppClipInvocations", "/data/relationships/betaAppClipInvocation/data/id"
    )
    attrs = ctx.attributes
    locale = check_locale(attrs.get("locale"))
    _duplicate_locale(ctx, "betaAppClipInvocationLocalizations", "betaAppClipInvocation", invocation.id, locale)
    loc = ctx.state.add(
        "betaAppClipInvocationLocalizations",
        {"title": attrs["title"], "locale": locale},
        {"betaAppClipInvocation": invocation.id},
    )
    return ctx.created(loc)


update_invocation_localization = updater("betaAppClipInvocationLocalizations")


delete_invocation_localization = deleter("betaAppClipInvocationLocalizations")


# ------------------------------------------------------------------------------ feedback


def delete_crash(ctx: Ctx) -> Reply:
    sub = ctx.load("betaFeedbackCrashSubmissions")
    if sub.rels.get("crashLog"):
        ctx.state.remove("betaCrashLogs", sub.rels["crashLog"])
    ctx.state.remove(sub.type, sub.id)
    return Reply(204)


delete_screenshot = deleter("betaFeedbackScreenshotSubmissions")
