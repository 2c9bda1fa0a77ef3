"""MCP prompts loaded from `prompts/*.md`: YAML front matter (name, title, description, arguments)
and a body template with `{argument}` placeholders.

A malformed file stops start-up with an error that names it; a missing argument reaches the
client as a clear error instead of the SDK's opaque internal error.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from mcp.server import MCPServer
from mcp.server.mcpserver import UserMessage
from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS


class PromptFileError(ValueError):
    """A prompt file that cannot be served; the message names the file."""


@dataclass(frozen=True)
class PromptFile:
    name: str
    title: str
    description: str
    arguments: list[PromptArgument]
    body: str


def prompts_dir() -> Path:
    """$BETAOPS_PROMPTS_DIR, else the repository's prompts/ (editable install), else the packaged copy."""
    if env := os.environ.get("BETAOPS_PROMPTS_DIR"):
        return Path(env)
    repo = Path(__file__).resolve().parents[3] / "prompts"
    if repo.is_dir():
        return repo
    return Path(str(resources.files("betaops") / "_prompts"))


def parse(path: Path) -> PromptFile:
    text = path.read_text(encoding="utf-8")
    parts = text.split("---", 2)
    if not text.startswith("---") or len(parts) < 3:
        raise PromptFileError(f"{path}: expected YAML front matter between '---' lines")
    try:
        meta = yaml.safe_load(parts[1])
    except yaml.YAMLError as exc:
        raise PromptFileError(f"{path}: front matter is not valid YAML ({exc})") from exc
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) for k in ("name", "description")):
        raise PromptFileError(f"{path}: front matter needs string 'name' and 'description'")
    arguments: list[PromptArgument] = []
    for entry in meta.get("arguments") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise PromptFileError(f"{path}: each argument needs a 'name'")
        arguments.append(
            PromptArgument(
                name=entry["name"],
                description=str(entry.get("description", "")),
                required=bool(entry.get("required", False)),
            )
        )
    body = parts[2].strip()
    declared = {a.name for a in arguments}
    used = {f for _, f, _, _ in string.Formatter().parse(body) if f}
    if used - declared:
        raise PromptFileError(f"{path}: body uses undeclared arguments {sorted(used - declared)}")
    title = str(meta.get("title") or meta["name"])
    return PromptFile(meta["name"], title, meta["description"], arguments, body)


class FilePrompt(Prompt):
    """A prompt whose missing arguments reach the client as a clear invalid-params error.

    The SDK's own check raises a ValueError that clients only see as an opaque internal error.
    """

    async def render(self, arguments: dict[str, Any] | None, context: Any) -> Any:
        missing = [a.name for a in self.arguments or [] if a.required and not (arguments or {}).get(a.name)]
        if missing:
            raise MCPError(code=INVALID_PARAMS, message=f"prompt {self.name!r} needs argument(s): {', '.join(missing)}")
        return await super().render(arguments, context)


def render(
    prompt: PromptFile, given: dict[str, Any], reachable: Callable[[str], str] = lambda text: text
) -> list[UserMessage]:
    """The prompt's text; each tool it names that is not listed says how to call it."""
    values = {a.name: given.get(a.name) or "(not given)" for a in prompt.arguments}
    return [UserMessage(reachable(prompt.body).format(**values))]


def load_prompts(
    server: MCPServer, directory: Path | None = None, reachable: Callable[[str], str] = lambda text: text
) -> list[PromptFile]:
    directory = directory or prompts_dir()
    loaded = [parse(p) for p in sorted(directory.glob("*.md"))]
    for prompt in loaded:

        def fn(_prompt: PromptFile = prompt, **kwargs: Any) -> list[UserMessage]:
            return render(_prompt, kwargs, reachable)

        server.add_prompt(
            FilePrompt(
                name=prompt.name,
                title=prompt.title,
                description=prompt.description,
                arguments=prompt.arguments,
                fn=fn,
            )
        )
    return loaded
