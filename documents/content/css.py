"""The styles a practice's own document template may use.

``template_css_check`` reads the CSS of a template source (every ``<style>`` element and every
``style="…"`` attribute), parses it with tinycss2 (WeasyPrint's CSS parser) and refuses, with the
line and the reason, anything outside a short allow-list:

* at-rules other than ``@page`` (with its page-margin boxes) and ``@media``: no ``@import``, no
  ``@font-face`` (documents use the bundled fonts by name), no ``@namespace``;
* properties outside ``ALLOWED_PROPERTIES`` (``behavior``, ``-moz-binding``, custom properties…)
  and functions outside ``ALLOWED_FUNCTIONS`` (``expression()``, ``var()``, ``image-set()``…);
* ``url(…)`` anywhere, unless it starts with one of ``allowed_url_prefixes`` (the practice's own
  media folder as a ``file://`` URL) or is an embedded PNG, JPEG, GIF or WebP image. The check
  reads tokens, not text, so CSS escapes (``\\75 rl(``, ``@\\69mport``) change nothing.

Template code inside the CSS is refused except the brand kit's values, which the renderer
validates (``{{ brand.primary }}``, ``{{ brand.secondary }}``, ``{{ brand.accent }}``,
``{{ brand.font }}``, ``{{ brand.logo_uri }}``). So is template code that could write styles the
source does not show: a tag or variable glued into an element's or an attribute's name or naming
an element, a variable between attributes or in an unquoted attribute value, a quoted text in
template code holding ``<`` or ``>`` (or, inside a tag, a quote): such texts are written
unescaped. ``<link>`` elements and ``<style/>`` are refused too. Comments and CDATA sections are
read as markup, since HTML parsers disagree on where some of them end.

What data written through ``|safe`` or ``{% autoescape off %}`` holds is not known from the
source; the renderer's strict URL fetcher remains the wall for what any style can load.

A pure function: it neither renders nor stores anything.
"""

from __future__ import annotations

import html.parser
import posixpath
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

import tinycss2
from django.template.base import tag_re
from django.utils.translation import gettext as _

from documents.rendering import MARGIN_BOXES, SAFE_FONTS, TemplateRejected

ALLOWED_AT_RULES = ("page", "media")
# Page-margin boxes, and the footnote area, inside @page.
PAGE_AT_RULES = frozenset({*MARGIN_BOXES, "footnote"})

ALLOWED_PROPERTIES = frozenset(
    {
        # Typography
        "font",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "font-stretch",
        "font-variant",
        "font-variant-caps",
        "font-variant-numeric",
        "font-variant-ligatures",
        "font-variant-position",
        "font-variant-east-asian",
        "font-variant-alternates",
        "font-kerning",
        "font-feature-settings",
        "font-variation-settings",
        "line-height",
        "letter-spacing",
        "word-spacing",
        "text-align",
        "text-align-last",
        "text-indent",
        "text-transform",
        "text-decoration",
        "text-decoration-line",
        "text-decoration-color",
        "text-decoration-style",
        "text-decoration-thickness",
        "text-underline-offset",
        "text-overflow",
        "text-shadow",
        "white-space",
        "word-break",
        "overflow-wrap",
        "word-wrap",
        "hyphens",
        "hyphenate-character",
        "hyphenate-limit-chars",
        "hyphenate-limit-zone",
        "direction",
        "unicode-bidi",
        "vertical-align",
        "tab-size",
        "quotes",
        "list-style",
        "list-style-type",
        "list-style-position",
        "list-style-image",
        # Colour and backgrounds
        "color",
        "opacity",
        "background",
        "background-color",
        "background-image",
        "background-repeat",
        "background-position",
        "background-size",
        "background-clip",
        "background-origin",
        "background-attachment",
        # Box model and placement
        "display",
        "box-sizing",
        "width",
        "height",
        "min-width",
        "min-height",
        "max-width",
        "max-height",
        "margin",
        "margin-top",
        "margin-right",
        "margin-bottom",
        "margin-left",
        "padding",
        "padding-top",
        "padding-right",
        "padding-bottom",
        "padding-left",
        "overflow",
        "visibility",
        "clear",
        "float",
        "position",
        "top",
        "right",
        "bottom",
        "left",
        "z-index",
        "transform",
        "transform-origin",
        "object-fit",
        "object-position",
        "image-rendering",
        "image-resolution",
        "image-orientation",
        # Borders and outlines
        "border",
        "border-top",
        "border-right",
        "border-bottom",
        "border-left",
        "border-color",
        "border-style",
        "border-width",
        "border-top-color",
        "border-top-style",
        "border-top-width",
        "border-right-color",
        "border-right-style",
        "border-right-width",
        "border-bottom-color",
        "border-bottom-style",
        "border-bottom-width",
        "border-left-color",
        "border-left-style",
        "border-left-width",
        "border-radius",
        "border-top-left-radius",
        "border-top-right-radius",
        "border-bottom-right-radius",
        "border-bottom-left-radius",
        "border-collapse",
        "border-spacing",
        "outline",
        "outline-color",
        "outline-style",
        "outline-width",
        "outline-offset",
        "box-shadow",
        "box-decoration-break",
        # Tables
        "table-layout",
        "caption-side",
        "empty-cells",
        # Columns
        "columns",
        "column-count",
        "column-width",
        "column-gap",
        "column-rule",
        "column-rule-color",
        "column-rule-style",
        "column-rule-width",
        "column-span",
        "column-fill",
        # Flex and grid
        "flex",
        "flex-basis",
        "flex-direction",
        "flex-flow",
        "flex-grow",
        "flex-shrink",
        "flex-wrap",
        "order",
        "align-content",
        "align-items",
        "align-self",
        "justify-content",
        "justify-items",
        "justify-self",
        "gap",
        "row-gap",
        "grid",
        "grid-area",
        "grid-auto-columns",
        "grid-auto-flow",
        "grid-auto-rows",
        "grid-column",
        "grid-column-start",
        "grid-column-end",
        "grid-row",
        "grid-row-start",
        "grid-row-end",
        "grid-template",
        "grid-template-areas",
        "grid-template-columns",
        "grid-template-rows",
        # Paged media
        "size",
        "marks",
        "bleed",
        "page",
        "page-break-before",
        "page-break-after",
        "page-break-inside",
        "break-before",
        "break-after",
        "break-inside",
        "orphans",
        "widows",
        "string-set",
        "content",
        "counter-increment",
        "counter-reset",
        "counter-set",
        "bookmark-label",
        "bookmark-level",
        "bookmark-state",
        "footnote-display",
        "footnote-policy",
        "max-lines",
        "block-ellipsis",
        "continue",
    }
)

ALLOWED_FUNCTIONS = frozenset(
    {
        "url",  # its address is checked
        "attr",  # not with the url type
        "rgb",
        "rgba",
        "hsl",
        "hsla",
        "calc",
        "min",
        "max",
        "clamp",
        "counter",
        "counters",
        "string",
        "content",
        "target-counter",
        "target-counters",
        "target-text",
        "leader",
        "running",
        "element",
        "linear-gradient",
        "radial-gradient",
        "repeating-linear-gradient",
        "repeating-radial-gradient",
        "repeat",
        "minmax",
        "fit-content",
        "matrix",
        "translate",
        "translatex",
        "translatey",
        "rotate",
        "scale",
        "scalex",
        "scaley",
        "skew",
        "skewx",
        "skewy",
        # Selectors' functional pseudo-classes (they only choose elements).
        "nth-child",
        "nth-last-child",
        "nth-of-type",
        "nth-last-of-type",
        "not",
        "is",
        "where",
        "lang",
    }
)

# Embedded images a style may carry: raster formats only (an SVG can load other resources).
DATA_IMAGE_RE = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)

# The brand kit's values, which the renderer validates before any template sees them (colours
# are #rrggbb, the font one of SAFE_FONTS, the logo an embedded raster image), stood in for by
# values of the same shape while the CSS is checked.
BRAND_VALUES = {
    "brand.primary": "#000000",
    "brand.secondary": "#000000",
    "brand.accent": "#000000",
    "brand.font": SAFE_FONTS[0],
    "brand.logo_uri": "data:image/png;base64,AA==",
    # The paper is one of the document's paper sizes and orientations (model choices).
    "paper.size": "A4",
    "paper.orientation": "portrait",
}
BRAND_VARIABLE_RE = re.compile(r"^\{\{\s*((?:brand|paper)\.[a-z_]+)\s*\}\}$")
# Template tags that only choose which of the template's own text is written.
CONTROL_TAGS = frozenset(
    {
        "if",
        "elif",
        "else",
        "endif",
        "for",
        "empty",
        "endfor",
        "with",
        "endwith",
        "ifchanged",
        "endifchanged",
        "comment",
        "endcomment",
    }
)
STRING_LITERAL_RE = re.compile(r""""((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'""")

# Template code stands in the checked text as a marker (private-use characters, wrapped in form
# feeds so that it parses as a word of its own in HTML), numbered to name it in messages.
MARK_RE = re.compile("\f?\ue000(\\d+)\ue001\f?")
GLUED_MARK_RE = re.compile("[^\\s\"'=<>/]\f\ue000(\\d+)\ue001\f[^\\s\"'=<>/]")
MARK_BEFORE_EQUALS_RE = re.compile("\ue000(\\d+)\ue001\f\\s*=")
MARK_AS_ELEMENT_NAME_RE = re.compile("</?\f\ue000(\\d+)")
MARK_IN_UNQUOTED_VALUE_RE = re.compile("=[ \t\n\r]*[^\\s\"'>=]*\f\ue000(\\d+)")
STYLE_ATTRIBUTE_RE = re.compile(r"(?<![\w-])style\s*=", re.IGNORECASE)


def template_css_check(source: str, *, allowed_url_prefixes: list[str]) -> None:
    """Refuse a template whose styles go beyond the allow-list, with ``TemplateRejected``.

    ``allowed_url_prefixes`` are the addresses ``url(…)`` may start with (the practice's own
    media folder as ``file:///…/documents/<practice id>/``); nothing else outside embedded
    raster images is accepted.
    """
    masked, constructs = _mask_template_code(source)
    checker = _StyleChecker(constructs, list(allowed_url_prefixes))
    for match in MARK_AS_ELEMENT_NAME_RE.finditer(masked):
        checker.refuse_construct(_line_at(masked, match.start()), int(match.group(1)))
    parser = _StyleExtractor(checker)
    # "<!" starts comments, CDATA sections and declarations, which HTML parsers close in
    # different places: read whatever they hold as markup too, so no style hides in one.
    parser.feed(masked.replace("<!", "< !"))
    parser.close()


# --- Template code ------------------------------------------------------------------------


def _mask_template_code(source: str) -> tuple[str, list[str]]:
    """The source with template code replaced: brand values by stand-ins, comments by nothing
    (as rendered), other tags and variables by numbered markers; and the replaced code."""
    constructs: list[str] = []
    pieces: list[str] = []
    position = 0
    for match in tag_re.finditer(source):
        pieces.append(source[position : match.start()])
        position = match.end()
        code = match.group(0)
        if code.startswith("{#"):
            continue
        brand = BRAND_VARIABLE_RE.match(code)
        if brand and brand.group(1) in BRAND_VALUES:
            pieces.append(BRAND_VALUES[brand.group(1)])
            continue
        if any("<" in text or ">" in text for text in _literals(code)):
            # A text written by template code is not escaped: it could open a <style>.
            raise TemplateRejected(
                _(
                    "Line %(line)s: “%(code)s” writes markup from a text in the template; write "
                    "the markup in the template itself."
                )
                % {"line": source.count("\n", 0, match.start()) + 1, "code": code}
            )
        pieces.append(f"\f\ue000{len(constructs)}\ue001\f")
        constructs.append(code)
    pieces.append(source[position:])
    return "".join(pieces), constructs


def _literals(code: str) -> list[str]:
    """The quoted texts in a template tag or variable."""
    return [first or second for first, second in STRING_LITERAL_RE.findall(code)]


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _tag_name(code: str) -> str:
    bits = code[2:-2].split()
    return bits[0] if bits else ""


# --- Markup -------------------------------------------------------------------------------


class _StyleExtractor(html.parser.HTMLParser):
    """Hands the checker every style element's text and every style attribute, with lines."""

    def __init__(self, checker: _StyleChecker):
        super().__init__(convert_charrefs=True)
        self.checker = checker
        self.style_line: int | None = None
        self.style_parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        text = self.get_starttag_text() or ""
        self.checker.check_tag(line, attrs, text)
        if tag == "link":
            raise TemplateRejected(
                _(
                    "Line %(line)s: document templates cannot link style sheets or files; put "
                    "the styles in a <style> element."
                )
                % {"line": line}
            )
        offsets = [text.count("\n", 0, m.start()) for m in STYLE_ATTRIBUTE_RE.finditer(text)]
        styles = [value for name, value in attrs if name == "style"]
        for index, value in enumerate(styles):
            offset = offsets[index] if index < len(offsets) else 0
            self.checker.check_css(value or "", line + offset, declarations_only=True)
        if tag == "style":
            self.style_line = None
            self.style_parts = []

    def handle_startendtag(self, tag, attrs):
        if tag == "style":
            # HTML ignores the slash: what follows would be styles this reading cannot see.
            raise TemplateRejected(
                _("Line %(line)s: write <style> … </style>, not <style/>.")
                % {"line": self.getpos()[0]}
            )
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.cdata_elem == "style":
            if self.style_line is None:
                self.style_line = self.getpos()[0]
            self.style_parts.append(data)

    def handle_endtag(self, tag):
        if tag == "style":
            self._flush_style()

    def close(self):
        super().close()
        if self.cdata_elem == "style" and self.rawdata:
            # An unclosed <style> runs to the end of the document (some Python versions keep
            # that text back instead of handing it over).
            self.handle_data(self.rawdata)
            self.rawdata = ""
        self._flush_style()

    def _flush_style(self):
        if self.style_parts:
            self.checker.check_css("".join(self.style_parts), self.style_line or 1)
        self.style_line = None
        self.style_parts = []


# --- Styles -------------------------------------------------------------------------------


class _StyleChecker:
    def __init__(self, constructs: list[str], allowed_url_prefixes: list[str]):
        self.constructs = constructs
        self.allowed_url_prefixes = allowed_url_prefixes
        self.line_offset = 0  # the line before the CSS being checked

    # Template code around styles

    def refuse_construct(self, line: int, index: int):
        raise TemplateRejected(
            _(
                "Line %(line)s: “%(code)s” cannot stand there: put template tags around whole "
                "attributes and variables inside quoted attribute values."
            )
            % {"line": line, "code": self.constructs[index]}
        )

    def _writes_text(self, index: int) -> bool:
        """Template code that writes text of its own (not only a choice of the template's)."""
        code = self.constructs[index]
        return not (code.startswith("{%") and _tag_name(code) in CONTROL_TAGS)

    def _writes_quotes(self, index: int) -> bool:
        return any('"' in text or "'" in text for text in _literals(self.constructs[index]))

    def check_tag(self, line: int, attrs, text: str) -> None:
        """Template code inside a start tag may surround whole attributes or sit inside quoted
        values, never make up a name, stand before an "=", or write an attribute itself."""
        refused = [
            int(match.group(1))
            for pattern in (GLUED_MARK_RE, MARK_BEFORE_EQUALS_RE)
            for match in pattern.finditer(text)
        ]
        refused += [
            index
            for match in MARK_IN_UNQUOTED_VALUE_RE.finditer(text)
            if self._writes_text(index := int(match.group(1)))
        ]
        refused += [
            index
            for name, _value in attrs
            for match in MARK_RE.finditer(name)
            if self._writes_text(index := int(match.group(1)))
        ]
        # A quote written by template code (a text is not escaped) would end a quoted value.
        refused += [
            index
            for match in MARK_RE.finditer(text)
            if self._writes_quotes(index := int(match.group(1)))
        ]
        if refused:
            index = min(refused)
            position = text.index(f"\ue000{index}\ue001")
            self.refuse_construct(line + text.count("\n", 0, position), index)

    # CSS

    def _without_control_tags(self, css: str) -> str:
        """``{% if %}``, ``{% for %}``… between whole rules or declarations write no text of
        their own: every branch's text is checked (each tag read as a space). A tag glued to a
        word stays, and is refused: it could join two pieces into one that was never checked."""

        def blank(match: re.Match) -> str:
            code = self.constructs[int(match.group(1))]
            if not code.startswith("{%") or _tag_name(code) not in CONTROL_TAGS:
                return match.group(0)
            before = css[match.start() - 1] if match.start() else " "
            after = css[match.end()] if match.end() < len(css) else " "
            if (before.isspace() or before in "{};") and (after.isspace() or after in "{};"):
                return " "
            return match.group(0)

        return MARK_RE.sub(blank, css)

    def check_css(self, css: str, first_line: int, *, declarations_only: bool = False) -> None:
        css = self._without_control_tags(css)
        mark = MARK_RE.search(css)
        if mark:
            raise TemplateRejected(
                _(
                    "Line %(line)s: styles can only use the brand kit's values from the "
                    "template ({{ brand.primary }}, {{ brand.secondary }}, {{ brand.accent }}, "
                    "{{ brand.font }}, {{ brand.logo_uri }}) and the paper's "
                    "({{ paper.size }}, {{ paper.orientation }}), not “%(code)s”."
                )
                % {
                    "line": first_line + css.count("\n", 0, mark.start()),
                    "code": self.constructs[int(mark.group(1))],
                }
            )
        self.line_offset = first_line - 1
        if declarations_only:
            nodes = tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True)
            self._check_contents(nodes, in_page=False)
        else:
            nodes = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
            self._check_rules(nodes)

    def _line(self, node) -> int:
        return self.line_offset + (getattr(node, "source_line", 1) or 1)

    def _check_rules(self, nodes: Iterable) -> None:
        for node in nodes:
            if node.type == "qualified-rule":
                self._check_tokens(node.prelude)
                self._check_contents(self._contents(node), in_page=False)
            elif node.type == "at-rule":
                self._check_at_rule(node, in_page=False)
            elif node.type == "error":
                self._refuse_unreadable(node)

    def _contents(self, rule) -> list:
        return tinycss2.parse_blocks_contents(
            rule.content or [], skip_comments=True, skip_whitespace=True
        )

    def _check_at_rule(self, rule, *, in_page: bool) -> None:
        name = rule.lower_at_keyword
        if in_page and name in PAGE_AT_RULES:
            self._check_tokens(rule.prelude)
            self._check_contents(self._contents(rule), in_page=False)
            return
        if in_page or name not in ALLOWED_AT_RULES:
            if name == "font-face":
                message = _(
                    "Line %(line)s: @font-face is not allowed in document styles; use one of "
                    "the document fonts by name: %(fonts)s."
                )
            elif in_page:
                message = _("Line %(line)s: @%(name)s is not a page-margin box of @page.")
            else:
                message = _(
                    "Line %(line)s: @%(name)s is not allowed in document styles (only @page "
                    "and @media)."
                )
            raise TemplateRejected(
                message % {"line": self._line(rule), "name": name, "fonts": ", ".join(SAFE_FONTS)}
            )
        self._check_tokens(rule.prelude)
        if rule.content is None:
            return
        if name == "page":
            self._check_contents(self._contents(rule), in_page=True)
        else:
            nodes = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            self._check_rules(nodes)

    def _check_contents(self, nodes: Iterable, *, in_page: bool) -> None:
        for node in nodes:
            if node.type == "declaration":
                self._check_declaration(node)
            elif node.type == "at-rule":
                self._check_at_rule(node, in_page=in_page)
            elif node.type == "qualified-rule":  # CSS nesting
                self._check_tokens(node.prelude)
                self._check_contents(self._contents(node), in_page=False)
            elif node.type == "error":
                self._refuse_unreadable(node)

    def _check_declaration(self, declaration) -> None:
        if declaration.lower_name not in ALLOWED_PROPERTIES:
            raise TemplateRejected(
                _("Line %(line)s: the property “%(name)s” is not allowed in document styles.")
                % {"line": self._line(declaration), "name": declaration.name}
            )
        self._check_tokens(declaration.value)

    def _check_tokens(self, tokens: Iterable) -> None:
        for token in tokens:
            kind = token.type
            if kind == "url":
                self._check_url(token.value, token)
            elif kind == "function":
                self._check_function(token)
            elif kind in ("() block", "[] block", "{} block"):
                self._check_tokens(token.content)
            elif kind == "ident" and token.value.startswith("@"):
                raise TemplateRejected(
                    _(
                        "Line %(line)s: “%(text)s” is an at-rule written with escapes, which "
                        "document styles may not use."
                    )
                    % {"line": self._line(token), "text": token.value[:40]}
                )
            elif kind == "error":
                self._refuse_unreadable(token)

    def _check_function(self, function) -> None:
        name = function.lower_name
        if name not in ALLOWED_FUNCTIONS:
            raise TemplateRejected(
                _("Line %(line)s: %(name)s() is not allowed in document styles.")
                % {"line": self._line(function), "name": function.name}
            )
        if name == "url":
            # url("…"): one string (an unquoted url(…) is a token of its own).
            arguments = [token for token in function.arguments if token.type != "whitespace"]
            single = len(arguments) == 1 and arguments[0].type == "string"
            self._check_url(arguments[0].value if single else "", function)
            return
        if name == "attr":
            for token in function.arguments:
                if token.type == "function" or (
                    token.type == "ident" and token.lower_value == "url"
                ):
                    raise TemplateRejected(
                        _(
                            "Line %(line)s: attr() cannot make an address in document styles; "
                            "write the url() itself."
                        )
                        % {"line": self._line(function)}
                    )
        self._check_tokens(function.arguments)

    def _check_url(self, url: str, node) -> None:
        if not _url_allowed(url.strip(), self.allowed_url_prefixes):
            raise TemplateRejected(
                _(
                    "Line %(line)s: url(%(url)s) is not allowed: styles can only use the "
                    "practice's own files and embedded PNG, JPEG, GIF or WebP images."
                )
                % {"line": self._line(node), "url": url[:200]}
            )

    def _refuse_unreadable(self, node) -> None:
        raise TemplateRejected(
            _("Line %(line)s: the styles cannot be read here (%(reason)s).")
            % {"line": self._line(node), "reason": node.kind}
        )


def _url_allowed(url: str, prefixes: list[str]) -> bool:
    if not url:
        return False
    if url[:5].lower() == "data:":
        return bool(DATA_IMAGE_RE.match(url))
    return any(_under_prefix(url, prefix) for prefix in prefixes if prefix)


def _under_prefix(url: str, prefix: str) -> bool:
    """``url`` names something under ``prefix``, once both are normalised: the scheme's case,
    ``%xx`` escapes and ``..`` segments cannot lead it out of the prefix."""
    target, base = urlsplit(url), urlsplit(prefix)
    scheme = base.scheme.lower()
    if not scheme or target.scheme.lower() != scheme:
        return False
    hosts = {target.netloc.lower(), base.netloc.lower()}
    if len(hosts) > 1 and not (scheme == "file" and hosts <= {"", "localhost"}):
        return False
    base_path = posixpath.normpath(unquote(base.path) or "/")
    target_path = posixpath.normpath(unquote(target.path) or "/")
    if unquote(target.path).endswith("/"):
        return False  # a folder, not a file
    return target_path.startswith(base_path.rstrip("/") + "/")
