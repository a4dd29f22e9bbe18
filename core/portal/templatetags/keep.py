"""``{% keep "name" vary... %}…{% endkeep %}``: a page fragment kept in the cache for the
signed-in person until the agency's data next changes (``kept`` from the portal's context
processor: person, account, data version, date, language, time zone), further varied on the
values given. Without ``kept`` (no person signed in on an agency's host) the fragment is
rendered every time. Never around a form's CSRF token or a CSP nonce: those are per
response."""

from django import template
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key

from core.audit.version import CACHE_SECONDS

register = template.Library()


class KeepNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        kept = context.get("kept")
        if not kept:
            return self.nodelist.render(context)
        key = make_template_fragment_key(
            f"keep:{self.name.resolve(context)}",
            [str(kept), *(value.resolve(context) for value in self.vary_on)])
        fragment = cache.get(key)
        if fragment is None:
            fragment = self.nodelist.render(context)
            cache.set(key, fragment, CACHE_SECONDS)
        return fragment


@register.tag("keep")
def do_keep(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'keep' needs a fragment name")
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    return KeepNode(nodelist, parser.compile_filter(bits[1]),
                    [parser.compile_filter(bit) for bit in bits[2:]])
