"""betaops: an MCP server that runs beta programs, with every change approved by a human."""

__version__ = "0.1.0"
__all__ = ["__version__"]
