"""The SDK adapter's contract: the installed mcp is the one it was written for, and its private parts exist.

`server/sdk.py` is the only module that touches SDK internals. If an mcp upgrade moves them, this
file fails first and names what moved, instead of a confusing failure somewhere in the server.
"""

from __future__ import annotations

from importlib.metadata import version

from mcp.server import MCPServer

from betaops.server import sdk


def test_the_installed_sdk_is_the_one_the_adapter_was_written_for() -> None:
    assert version("mcp") == sdk.SDK_VERSION


def test_the_private_parts_the_adapter_uses_still_exist() -> None:
    server = MCPServer("probe")
    assert callable(server._lowlevel_server.add_request_handler)
    codec = sdk.RoundCodec(b"k" * 32)  # the SDK's AES-GCM codec, wrapped
    assert codec.unseal(codec.seal(b'{"s":"{}"}')) == b'{"s":"{}"}'
