"""Every URL pattern of the project (screens, Django admin, the ninja API), found by walking the resolver."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    template: str  # the route text, e.g. "api/v1/units/<code>"
    params: dict[str, Any]  # parameter name -> converter (None for regex groups)

    @property
    def is_api(self) -> bool:
        return self.template.startswith("api/")

    @property
    def openapi_path(self) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.template)


def _walk(resolver: URLResolver, prefix: str = "", ns: str = "") -> list[Route]:
    found: list[Route] = []
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            sub_ns = ns + (f"{item.namespace}:" if item.namespace else "")
            found.extend(_walk(item, prefix + str(item.pattern), sub_ns))
        elif isinstance(item, URLPattern):
            converters = dict(getattr(item.pattern, "converters", {}) or {})
            regex_groups = item.pattern.regex.groupindex if hasattr(item.pattern, "regex") else {}
            params: dict[str, Any] = dict.fromkeys(regex_groups)
            params.update(converters)
            for outer in re.findall(r"<(?:\w+:)?(\w+)>", prefix):
                params.setdefault(outer, None)
            found.append(Route(ns + (item.name or ""), prefix + str(item.pattern), params))
    return found


@cache
def all_routes() -> tuple[Route, ...]:
    return tuple(_walk(get_resolver()))


def routes_with_ids() -> list[Route]:
    return [r for r in all_routes() if r.params]


@cache
def openapi() -> dict[str, Any]:
    from minsheng.api.router import api

    schema: dict[str, Any] = api.get_openapi_schema(path_prefix="/api/v1")
    return schema


def api_methods(route: Route) -> list[str]:
    """The HTTP methods the API serves on this route's path (GET for screens)."""
    if not route.is_api:
        return ["GET"]
    ops = openapi()["paths"].get(route.openapi_path, {"get": {}})
    return [m.upper() for m in ops]


def _resolve_ref(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not ref:
        return schema
    name = ref.rsplit("/", 1)[-1]
    resolved: dict[str, Any] = openapi()["components"]["schemas"][name]
    return resolved


def api_list_operations() -> list[Route]:
    """API routes whose GET answers a list (an array, or a paginated object with `items`)."""
    out: list[Route] = []
    for route in all_routes():
        if not route.is_api:
            continue
        get = openapi()["paths"].get(route.openapi_path, {}).get("get")
        if not get:
            continue
        content = (get.get("responses", {}).get(200) or get.get("responses", {}).get("200") or {}).get(
            "content", {}
        )
        schema = _resolve_ref(content.get("application/json", {}).get("schema", {}))
        if schema.get("type") == "array" or "items" in schema.get("properties", {}):
            out.append(route)
    return out
