"""Small real images for simulators: a tester's screenshot as a valid PNG of a few kilobytes.

Generated from a seed (the same link gives the same picture), with zlib only: a phone-shaped
canvas with a coloured header bar and a few content blocks, enough for a vision model to see a
screen and for a test to decode it.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

WIDTH, HEIGHT = 180, 390  # a phone screen, scaled down


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def screenshot_png(seed: str, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """An RGB PNG drawn from `seed`: header bar, three cards, the rest white."""
    digest = hashlib.sha256(seed.encode()).digest()
    accent = bytes(digest[:3])
    card = bytes(200 + b % 56 for b in digest[3:6])
    rows = []
    for y in range(height):
        if y < height // 9:
            pixel = accent
        elif any(top <= y < top + height // 8 for top in (height // 5, 2 * height // 5, 3 * height // 5)):
            pixel = card
        else:
            pixel = b"\xff\xff\xff"
        margin = width // 12 if y >= height // 9 else 0
        line = b"\xff\xff\xff" * margin + pixel * (width - 2 * margin) + b"\xff\xff\xff" * margin
        rows.append(b"\x00" + line)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"".join(rows), 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")
