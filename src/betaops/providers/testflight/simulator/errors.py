"""App Store Connect error documents: `{"errors": [{id, status, code, title, detail, source?}]}`.

Codes and titles follow Apple's "Interpreting and handling errors" (NOTES §3.4). The simulator
always sends `detail` (live Apple sometimes omits it; the client must not rely on it).
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import JSONResponse

TITLES = {
    "PARAMETER_ERROR": "A parameter has an invalid value",
    "ENTITY_INVALID": "The request entity is invalid",
    "ENTITY_ERROR": "The provided entity includes an attribute with an invalid value",
    "ENTITY_UNPROCESSABLE": "The request entity is not processable",
    "NOT_AUTHORIZED": "Authentication credentials are missing or invalid.",
    "FORBIDDEN_ERROR": "This request is forbidden for security reasons",
    "NOT_FOUND": "The specified resource does not exist",
    "PATH_ERROR": "The URL path is invalid.",
    "METHOD_NOT_ALLOWED": "The request method is not valid for the resource path.",
    "CONFLICT_ERROR": "The request cannot be fulfilled because of the state of another resource.",
    "RATE_LIMIT_EXCEEDED": "The request rate limit has been reached.",
    "UNEXPECTED_ERROR": "An unexpected error occurred.",
}

RATE_LIMIT_DETAIL = (
    "We've received too many requests for this API. Please wait and try again or slow down your request rate."
)


class ApiError(Exception):
    """An error answer; `raise` it anywhere in a handler."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        parameter: str | None = None,
        pointer: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or TITLES.get(code.split(".")[0], "An error occurred")
        self.parameter = parameter
        self.pointer = pointer
        self.meta = meta

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "status": str(self.status),
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
        }
        if self.parameter is not None:
            err["source"] = {"parameter": self.parameter}
        elif self.pointer is not None:
            err["source"] = {"pointer": self.pointer}
        if self.meta:
            err["meta"] = self.meta
        return {"errors": [err]}

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(), self.status, headers=headers)


def param_invalid(parameter: str, detail: str) -> ApiError:
    return ApiError(400, "PARAMETER_ERROR.INVALID", detail, parameter=parameter)


def param_required(parameter: str, detail: str | None = None) -> ApiError:
    return ApiError(
        400,
        "PARAMETER_ERROR.REQUIRED",
        detail or f"The parameter '{parameter}' is required for this request.",
        parameter=parameter,
    )


def not_found(rtype: str, rid: str) -> ApiError:
    return ApiError(404, "NOT_FOUND", f"There is no resource of type '{rtype}' with id '{rid}'")


def entity_invalid(detail: str, pointer: str | None = None) -> ApiError:
    return ApiError(400, "ENTITY_INVALID", detail, pointer=pointer)


def unprocessable(detail: str, pointer: str | None = None, code: str = "ENTITY_UNPROCESSABLE") -> ApiError:
    return ApiError(422, code, detail, pointer=pointer)


def conflict(code: str, detail: str, pointer: str | None = None) -> ApiError:
    return ApiError(409, code, detail, pointer=pointer)


def not_authorized(detail: str) -> ApiError:
    return ApiError(401, "NOT_AUTHORIZED", detail)


def rate_limited() -> ApiError:
    return ApiError(429, "RATE_LIMIT_EXCEEDED", RATE_LIMIT_DETAIL)
