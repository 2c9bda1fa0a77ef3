"""Images a read result carries for a vision model (tester screenshots), bounded in number and size.

A result model that subclasses `WithImages` keeps its images out of its JSON (they would be
megabytes of base64 text); the server sends them as MCP image content next to it. Only PNG and
JPEG are passed on, recognised by their bytes, never by what the URL or a header claims. Limits
apply per image and in total; whatever is left out is said in the result's `images` note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import PrivateAttr

from betaops.core.model import Model

if TYPE_CHECKING:
    from betaops.core.http import ProviderClient

MAX_IMAGES = 3
MAX_IMAGE_BYTES = 256_000
MAX_TOTAL_BYTES = 512_000

_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


@dataclass(frozen=True)
class Image:
    data: bytes
    mime_type: str


def sniff(data: bytes) -> str | None:
    """The image type by its leading bytes: PNG or JPEG, else None."""
    return next((mime for magic, mime in _SIGNATURES if data.startswith(magic)), None)


class WithImages(Model):
    """A result that may carry images (sent as image content, not in its JSON)."""

    images: str | None = None  # how many were attached, and why any were left out
    _attached: list[Image] = PrivateAttr(default_factory=list)

    def attached(self) -> list[Image]:
        return list(self._attached)


async def attach_images(result: WithImages, client: ProviderClient, urls: list[str]) -> None:
    """Fetch up to MAX_IMAGES of `urls` within the byte limits; say what was attached and what was not."""
    attached: list[Image] = []
    left: list[str] = []
    total = 0
    for url in urls:
        if len(attached) == MAX_IMAGES:
            left.append(f"{len(urls) - len(attached) - len(left)} over the limit of {MAX_IMAGES}")
            break
        room = min(MAX_IMAGE_BYTES, MAX_TOTAL_BYTES - total)
        got = await client.fetch_image(url, room)
        if isinstance(got, str):
            left.append(got)
            continue
        data, mime = got
        attached.append(Image(data, mime))
        total += len(data)
    if not urls:
        return
    note = f"{len(attached)} of {len(urls)} screenshot(s) attached as images"
    result.images = f"{note}; left out: {'; '.join(left)}." if left else f"{note}."
    result._attached = attached
