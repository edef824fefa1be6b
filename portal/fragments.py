"""`{% shared key, ... %}…{% endshared %}`: template parts that are the same for everyone.

The body is rendered once per key and the HTML reused, for any visitor. So the body may use
only what the key names (plus constants, translations of the key's language and URLs without
per-request values): never the user, the CSRF token, counts or the request's path. The key
always includes the template, the tag's line and the app's script root (URL prefix).
With template auto-reload on (debug), nothing is kept, so edited templates show at once.
"""

from flask import has_request_context, request
from jinja2 import nodes
from jinja2.ext import Extension

MAX_ENTRIES = 2000  # a key's values are few (languages, endpoints); this is just a safety net


class SharedFragments(Extension):
    tags = {"shared"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(shared_fragments={})

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = [nodes.Const(parser.name), nodes.Const(lineno)]
        while parser.stream.current.type != "block_end":
            if len(key) > 2:
                parser.stream.expect("comma")
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", [nodes.Tuple(key, "load")]),
                               [], [], body).set_lineno(lineno)

    def _render(self, key, caller):
        if self.environment.auto_reload:  # development with template reloading: never stale
            return caller()
        if has_request_context():
            key = (*key, request.script_root)
        cache = self.environment.shared_fragments
        html = cache.get(key)
        if html is None:
            html = caller()
            if len(cache) >= MAX_ENTRIES:
                cache.clear()
            cache[key] = html
        return html
