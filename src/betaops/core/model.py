"""`Model`: the base of declared models whose validator is built on first use.

betaops declares some 200 pydantic models at import (tool inputs, results, plans) and a session
uses a few. Pydantic builds each one's validator and serializer as the class is defined unless
`defer_build` is set: for these that was most of a server's start beyond the SDK's own.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
