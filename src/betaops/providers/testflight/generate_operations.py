"""Generate `operations_generated.py` from Apple's OpenAPI subset (run: python -m <this module>).

Everything mechanical comes from `spec/openapi-testflight-subset.json` (paths, parameters and
their enums and maxima, request bodies, result resources) and `spec/operations.json` (Apple's
summaries and documentation links); readable names and toolsets come from `names.py`. The output
is formatted with ruff and committed; a test regenerates it and fails on any difference.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from betaops.providers.testflight.declare import Attr, Body, Q, Rel, ResourceField, Spec
from betaops.providers.testflight.names import NAMES, TOOLSET_OF_APP_RELATION, TOOLSET_OF_TAG, singular, snake

HERE = Path(__file__).parent
OPENAPI = HERE / "spec" / "openapi-testflight-subset.json"
TABLE = HERE / "spec" / "operations.json"
OUTPUT = HERE / "operations_generated.py"
MAX_TOOL_NAME = 64 - len("testflight_")


def plain(summary: str) -> str:
    """Apple's summary without its filler ("Get a list of", "information about a specific"): the
    same sentence in fewer words, on each of 142 tools."""
    text = re.sub(r"^Get a list of ", "List ", summary)
    text = re.sub(r"^Get information (about|for) ", "Get ", text)
    return re.sub(r"\ban? specific (\w)", lambda m: ("an " if m[1] in "aeiouAEIOU" else "a ") + m[1], text)


_METHODS = ("get", "post", "patch", "delete")
# Bounds Apple documents outside its OpenAPI file (spec/NOTES.md, "Apple limits"), by attribute name.
BOUNDS: dict[str, tuple[int, int]] = {
    "publicLinkLimit": (
        1,
        10_000,
    ),  # testers a public link admits: at least one, at most an app's 10,000 external testers
}


class Generator:
    def __init__(self, openapi: dict[str, Any], table: list[dict[str, Any]]) -> None:
        self.paths: dict[str, Any] = openapi["paths"]
        self.schemas: dict[str, Any] = openapi["components"]["schemas"]
        self.table = {row["operationId"]: row for row in table}
        self.resources: dict[str, tuple[ResourceField, ...]] = {}

    def ref(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    # ------------------------------------------------------------------ naming

    @staticmethod
    def mechanical_name(operation_id: str) -> str:
        parts = operation_id.split("_")
        owner, kind = parts[0], parts[-1]
        one = singular(owner)
        if len(parts) == 2:
            verb = {
                "getCollection": f"list_{snake(owner)}",
                "getInstance": f"get_{one}",
                "createInstance": f"create_{one}",
                "updateInstance": f"update_{one}",
                "deleteInstance": f"delete_{one}",
            }
            return verb[kind]
        rel = parts[1]
        return {
            "getToManyRelated": f"list_{snake(rel)}_of_{one}",
            "getToManyRelationship": f"list_{singular(rel)}_ids_of_{one}",
            "getToOneRelated": f"get_{snake(rel)}_of_{one}",
            "getToOneRelationship": f"get_{snake(rel)}_id_of_{one}",
            "createToManyRelationship": f"add_{snake(rel)}_to_{one}",
            "deleteToManyRelationship": f"remove_{snake(rel)}_from_{one}",
            "updateToOneRelationship": f"set_{snake(rel)}_of_{one}",
            "getMetrics": f"get_{snake(rel)}_of_{one}",
        }[kind]

    @staticmethod
    def toolset(operation_id: str) -> str:
        parts = operation_id.split("_")
        if parts[-1] == "getMetrics":
            return "metrics"
        if parts[0] == "apps" and len(parts) == 3:
            return TOOLSET_OF_APP_RELATION[parts[1]]
        return TOOLSET_OF_TAG[parts[0]]

    # ------------------------------------------------------------------ parameters

    def query(self, params: list[dict[str, Any]], paginated: bool) -> tuple[Q, ...]:
        out: list[Q] = []
        for p in params:
            if p["in"] != "query":
                continue
            wire: str = p["name"]
            schema = self.ref(p["schema"])
            items = self.ref(schema.get("items", {}))
            desc = str(p.get("description") or wire)
            required = bool(p.get("required", False))
            if wire == "limit":
                if not paginated:
                    raise ValueError(f"{wire} on a single-resource read")
                continue  # the page size: the tool's limit controls it
            head, _, inner = wire.partition("[")
            field = snake(head) if not inner else f"{snake(head)}_{snake(inner.rstrip(']'))}"
            if head == "limit" and schema.get("type") == "integer":  # limit[builds]: of an included relationship
                out.append(Q(field, wire, "limit", desc, maximum=schema.get("maximum"), required=required))
            elif head == "fields" and inner and items.get("enum"):  # a sparse fieldset: fields[apps]
                out.append(Q(field, wire, "fieldset", desc, tuple(items["enum"]), required=required))
            elif wire == "include" and items.get("enum"):
                out.append(Q(field, wire, "names", desc, tuple(items["enum"]), required=required))
            elif schema.get("type") == "integer":
                out.append(Q(field, wire, "int", desc, maximum=schema.get("maximum"), required=required))
            elif schema.get("type") == "boolean":
                out.append(Q(field, wire, "bool", desc, required=required))
            elif schema.get("type") == "array":
                values = tuple(items.get("enum", ()))
                out.append(Q(field, wire, "enums" if values else "list", desc, values, required=required))
            elif "enum" in schema:
                out.append(Q(field, wire, "enum", desc, tuple(schema["enum"]), required=required))
            else:
                out.append(Q(field, wire, "str", desc, required=required))
        return tuple(out)

    # ------------------------------------------------------------------ bodies

    def body(self, operation: dict[str, Any]) -> Body | None:
        if "requestBody" not in operation:
            return None
        schema = self.ref(operation["requestBody"]["content"]["application/json"]["schema"])
        data = self.ref(schema["properties"]["data"])
        if data.get("type") == "array":
            return Body("linkages", self.ref(data["items"])["properties"]["type"]["enum"][0])
        props = data["properties"]
        kind = props["type"]["enum"][0]
        if "attributes" not in props and "relationships" not in props:
            return Body("linkage", kind)
        attributes = self.ref(props.get("attributes", {}))
        required = set(attributes.get("required", ()))
        attrs = tuple(
            self.attr(name, self.ref(s), name in required) for name, s in attributes.get("properties", {}).items()
        )
        relationships = self.ref(props.get("relationships", {}))
        rel_required = set(relationships.get("required", ()))
        inline = {
            self.ref(s)["properties"]["type"]["enum"][0]: self.ref(s)
            for s in [schema.get("properties", {}).get("included", {}).get("items", {})]
            if s
        }
        rels: list[Rel] = []
        for name, s in relationships.get("properties", {}).items():
            linkage = self.ref(self.ref(s)["properties"]["data"])
            many = linkage.get("type") == "array"
            target = self.ref(linkage["items"] if many else linkage)["properties"]["type"]["enum"][0]
            if target in inline:
                fields = tuple(inline[target]["properties"]["attributes"]["properties"])
                rels.append(Rel(snake(name), name, target, many, name in rel_required, fields))
            else:
                field = f"{singular(name)}_ids" if many else f"{snake(name)}_id"
                rels.append(Rel(field, name, target, many, name in rel_required))
        return Body("resource", kind, "id" in props, attrs, tuple(rels))

    def attr(self, name: str, schema: dict[str, Any], required: bool) -> Attr:
        kind = schema.get("type")
        if kind == "array":
            props: dict[str, Any] = self.ref(schema["items"]).get("properties", {})
            choices = tuple((key, tuple(self.ref(s)["enum"])) for key, s in props.items() if "enum" in self.ref(s))
            return Attr(snake(name), name, "objects", required, tuple(props), choices)
        if kind == "string":
            fmt = schema.get("format")
            return Attr(snake(name), name, "email" if fmt == "email" else "uri" if fmt == "uri" else "str", required)
        if kind == "integer":
            low, high = BOUNDS.get(name, (schema.get("minimum"), schema.get("maximum")))
            return Attr(snake(name), name, "int", required, minimum=low, maximum=high)
        return Attr(snake(name), name, "bool", required)

    # ------------------------------------------------------------------ results

    def result(self, operation: dict[str, Any]) -> tuple[str | None, bool, int]:
        """(result kind, returns a collection, success status)."""
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            content = response.get("content")
            if not content:
                return None, False, int(status)
            doc = self.ref(content["application/json"]["schema"])
            data = self.ref(doc["properties"]["data"])
            many = data.get("type") == "array"
            item = self.ref(data["items"]) if many else data
            props = item.get("properties", {})
            if "dataPoints" in props:
                return "metrics", many, int(status)
            kind = props["type"]["enum"][0]
            if "attributes" not in props and "relationships" not in props:
                return "linkage", many, int(status)
            self.resource(kind, item)
            return kind, many, int(status)
        raise ValueError("no success response")

    def resource(self, kind: str, schema: dict[str, Any]) -> None:
        if kind in self.resources:
            return
        fields: list[ResourceField] = []
        for name, s in self.ref(schema["properties"].get("attributes", {})).get("properties", {}).items():
            t = self.ref(s).get("type")
            mapped = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "array": "list"}
            fields.append(ResourceField(name, mapped.get(str(t), "object")))  # type: ignore[arg-type]
        for name, s in self.ref(schema["properties"].get("relationships", {})).get("properties", {}).items():
            data = self.ref(s).get("properties", {}).get("data")
            if data is None:
                continue
            many = self.ref(data).get("type") == "array"
            fields.append(
                ResourceField(f"{singular(name)}_ids" if many else f"{snake(name)}_id", "ids" if many else "id")
            )
        self.resources[kind] = tuple(fields)

    # ------------------------------------------------------------------ operations

    def specs(self) -> list[Spec]:
        out: list[Spec] = []
        for path, item in self.paths.items():
            for method in _METHODS:
                if method not in item:
                    continue
                op = item[method]
                oid: str = op["operationId"]
                row = self.table[oid]
                kind, many, status = self.result(op)
                params = [*item.get("parameters", []), *op.get("parameters", [])]
                has_limit = any(p["name"] == "limit" for p in params)
                if many and not has_limit:
                    raise ValueError(f"{oid}: a collection without limit")
                owner = path.split("/")[2]
                path_field = f"{singular(owner)}_id" if "{id}" in path else None
                name = NAMES.get(oid) or self.mechanical_name(oid)
                if len(name) > MAX_TOOL_NAME:
                    raise ValueError(f"{oid}: tool name {name!r} is too long; add it to names.py")
                # Apple's abstracts for relationship writes swap group and tester; its summaries do not.
                text = row["summary"] if "Relationship" in oid else row.get("abstract") or row["summary"]
                summary = plain(str(text).strip().replace("\u2019", "'"))
                out.append(
                    Spec(
                        operation_id=oid,
                        name=name,
                        method=method.upper(),  # type: ignore[arg-type]
                        path=path.replace("{id}", "{" + path_field + "}") if path_field else path,
                        title=name.replace("_", " ").capitalize(),
                        summary=summary if summary.endswith(".") else summary + ".",
                        toolset=self.toolset(oid),
                        returns="nothing" if kind is None else "list" if many else "item",
                        result=kind,
                        paginated=many,
                        path_field=path_field,
                        query=self.query(params, many),
                        body=self.body(op),
                        status=status,
                    )
                )
        names = [s.name for s in out]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"duplicate tool names: {sorted(duplicates)}")
        return out


_HEADER = '''"""GENERATED by generate_operations.py from spec/openapi-testflight-subset.json: do not edit.

One `Spec` per App Store Connect operation in the TestFlight subset ({count} operations), and the
flattened fields of every resource they return. Enum value sets used by the query parameters are
listed once in `ENUMS`. Regenerate with `python -m betaops.providers.testflight.generate_operations`.
"""

from __future__ import annotations

from betaops.providers.testflight.declare import Attr, Body, Q, Rel, ResourceField, Spec

# fmt: off
'''


class Renderer:
    """Source text for the records: one line per record, enum value sets shared by name."""

    def __init__(self) -> None:
        self.enums: dict[str, tuple[str, ...]] = {}

    def enum_ref(self, wire: str, values: tuple[str, ...]) -> str:
        key, n = wire, 1
        while key in self.enums and self.enums[key] != values:
            n += 1
            key = f"{wire}#{n}"
        self.enums[key] = values
        return f"ENUMS[{key!r}]"

    def record(self, value: Any) -> str:
        """A dataclass record as a call, leaving out fields at their default."""
        cls = type(value)
        args = []
        for name, spec_field in cls.__dataclass_fields__.items():
            current = getattr(value, name)
            has_default = hasattr(cls, name)
            if has_default and current == getattr(cls, name):
                continue
            if name in ("query", "body"):
                continue  # laid out on their own lines by `spec`
            if isinstance(value, Q) and name == "values":
                text = self.enum_ref(value.wire, current)
            else:
                text = self.source(current)
            # An operation is a long record: named fields keep it readable; small records stay short.
            args.append(f"{name}={text}" if has_default or isinstance(value, Spec) else text)
            del spec_field
        return f"{cls.__name__}({', '.join(args)})"

    def source(self, value: Any) -> str:
        if isinstance(value, Q | Attr | Rel | Body | ResourceField):
            return self.record(value)
        if isinstance(value, tuple):
            inner = ", ".join(self.source(v) for v in value)
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        return repr(value)

    def spec(self, spec: Spec) -> list[str]:
        head = self.record(spec)[:-1]
        lines = [f"    {head},"]
        if spec.query:
            lines.append("        query=(")
            lines += [f"            {self.source(q)}," for q in spec.query]
            lines.append("        ),")
        if spec.body is not None:
            lines.append(f"        body={self.source(spec.body)},")
        lines.append("    ),")
        return lines


def render(gen: Generator) -> str:
    specs = gen.specs()
    out = Renderer()
    body = ["SPECS: tuple[Spec, ...] = ("]
    for spec in specs:
        body += out.spec(spec)
    body += [")", "", "RESOURCES: dict[str, tuple[ResourceField, ...]] = {"]
    body += [f"    {kind!r}: {out.source(fields)}," for kind, fields in sorted(gen.resources.items())]
    body += ["}", ""]
    enums = ["ENUMS: dict[str, tuple[str, ...]] = {"]
    enums += [f"    {key!r}: {values!r}," for key, values in out.enums.items()]
    enums += ["}", "", ""]
    return _HEADER.format(count=len(specs)) + "\n".join(enums + body)


def generate() -> str:
    openapi = json.loads(OPENAPI.read_text())
    table = json.loads(TABLE.read_text())["operations"]
    return render(Generator(openapi, table))


def main() -> None:
    OUTPUT.write_text(generate())
    sys.stdout.write(f"wrote {OUTPUT}\n")


if __name__ == "__main__":
    main()
