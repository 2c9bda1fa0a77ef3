"""Tester screenshots from beta feedback reach the model as MCP image content, bounded in number and size."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest
from mcp.types import ImageContent, TextContent

from betaops.core.images import MAX_IMAGE_BYTES, MAX_IMAGES, MAX_TOTAL_BYTES
from betaops.providers.testflight.simulator.state import Resource
from tests.providers.testflight.contract import CHECKED
from tests.support import Box, make_box, structured

pytestmark = pytest.mark.anyio


def decode_png(data: bytes) -> tuple[int, int]:
    """(width, height) of a valid 8-bit RGB PNG: every chunk's CRC checked, the pixels inflated."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, dict[bytes, bytes]()
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length : at + 12 + length])[0] == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        at += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color) == (8, 2) and b"IEND" in chunks
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    return width, height


async def test_build_status_attaches_the_newest_screenshots_as_images(mode: str) -> None:
    box = make_box("testflight", wrap=CHECKED, toolsets=("testflight.builds",))
    async with box.client(mode) as client:
        result = await client.call_tool("testflight_get_build_beta_status", {"app": "Trailhead", "version": "320"})
        none = await client.call_tool(
            "testflight_get_build_beta_status", {"app": "Trailhead", "version": "320", "feedback_items": 0}
        )
    body = structured(result)
    images = [b for b in result.content if isinstance(b, ImageContent)]
    assert isinstance(result.content[0], TextContent) and "data:image" not in result.content[0].text
    assert 1 <= len(images) <= MAX_IMAGES
    sizes = [len(base64.b64decode(i.data)) for i in images]
    assert all(s <= MAX_IMAGE_BYTES for s in sizes) and sum(sizes) <= MAX_TOTAL_BYTES
    for image in images:
        assert image.mime_type == "image/png"
        width, height = decode_png(base64.b64decode(image.data))
        assert height > width > 0
    assert body["images"].startswith(f"{len(images)} of ")
    shown = sum(len(s.attributes.get("screenshots") or []) for s in _screens(box, body["build_id"], 5))
    if shown > MAX_IMAGES:
        assert f"left out: {shown - MAX_IMAGES} over the limit of {MAX_IMAGES}" in body["images"]
    assert not [b for b in none.content if isinstance(b, ImageContent)] and structured(none)["images"] is None


def _screens(box: Box, build_id: str, n: int) -> list[Resource]:
    subs = [
        r for r in box.state.resources["betaFeedbackScreenshotSubmissions"].values() if r.rels.get("build") == build_id
    ]
    return sorted(subs, key=lambda r: r.attributes["createdDate"], reverse=True)[:n]
