"""The brand kit as the inline styles of the newsletter's email.

Mail clients drop or mangle style sheets, so every element of the email carries its own
``style``. The values come from the brand kit, checked again here (a colour like ``#1f3a5f``,
a font of the documents' list), so the styles can be written into the HTML as they are. The
brand's font comes first, then a web-safe family every reader has.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from documents.rendering import COLOUR_RE, SAFE_FONTS, Brand

FALLBACK_FONTS = {
    "sans-serif": "Arial, Helvetica, sans-serif",
    "serif": "Georgia, 'Times New Roman', Times, serif",
}
MONO = "Menlo, Consolas, 'Courier New', monospace"
PAGE = "#eef1f5"
CARD = "#ffffff"
PANEL = "#f3f5f8"
TEXT = "#2d3748"
MUTED = "#6b7280"
RULE = "#dfe3e8"
DARK_TEXT = "#1a202c"


def _luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` (WCAG 2)."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def readable_on(background: str) -> str:
    """White or near-black, whichever contrasts more with ``background``."""
    light = _luminance(background)
    on_white = 1.05 / (light + 0.05)
    on_dark = (light + 0.05) / (_luminance(DARK_TEXT) + 0.05)
    return "#ffffff" if on_white >= on_dark else DARK_TEXT


@dataclass(frozen=True)
class Look:
    primary: str
    secondary: str
    accent: str
    on_primary: str
    font: str  # a CSS font-family list
    fallback_font: str  # the web-safe part (Outlook for Windows reads only this)

    @classmethod
    def of(cls, brand: Brand, *, generic: str) -> Look:
        defaults = Brand()

        def colour(value: str, default: str) -> str:
            return value.lower() if COLOUR_RE.match(value or "") else default

        primary = colour(brand.primary, defaults.primary)
        fallback = FALLBACK_FONTS.get(generic, FALLBACK_FONTS["sans-serif"])
        font = f"'{brand.font}', {fallback}" if brand.font in SAFE_FONTS else fallback
        return cls(
            primary=primary,
            secondary=colour(brand.secondary, defaults.secondary),
            accent=colour(brand.accent, defaults.accent),
            on_primary=readable_on(primary),
            font=font,
            fallback_font=fallback,
        )

    def _text(self, size: int, *, colour: str = TEXT, line: str = "1.6") -> str:
        return f"font-family:{self.font};font-size:{size}px;line-height:{line};color:{colour};"

    def styles(self) -> dict[str, SafeString]:
        """The named styles of the email's template (checked values only: safe as written)."""
        p, s, a = self.primary, self.secondary, self.accent
        styles = {
            "body": f"margin:0;padding:0;width:100%;background-color:{PAGE};",
            "page": f"padding:24px 8px;background-color:{PAGE};",
            "card": f"width:100%;max-width:600px;background-color:{CARD};",
            "preheader": (
                "display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;"
                "opacity:0;overflow:hidden;mso-hide:all;"
            ),
            "masthead_cell": f"padding:28px 24px 14px;border-bottom:4px solid {p};",
            "masthead": "margin:0;font-weight:bold;" + self._text(34, colour=p, line="1.1"),
            "tagline": "margin:6px 0 0;font-style:italic;" + self._text(15, colour=s, line="1.4"),
            "logo": "display:block;border:0;outline:none;height:auto;",
            "issue_cell": f"padding:9px 24px;background-color:{p};",
            "issue": (
                "letter-spacing:1.5px;text-transform:uppercase;font-weight:bold;"
                + self._text(12, colour=self.on_primary, line="1.4")
            ),
            "intro_cell": "padding:24px 24px 10px;",
            "intro_box": f"padding:2px 0 2px 16px;border-left:4px solid {a};",
            "cell": "padding:0 24px 16px;" + self._text(16),
            "h2": (
                f"margin:14px 0 0;padding-top:16px;border-top:2px solid {p};font-weight:bold;"
                + self._text(24, colour=p, line="1.25")
            ),
            "h3": "margin:8px 0 0;font-weight:bold;" + self._text(19, colour=p, line="1.3"),
            "h4": "margin:4px 0 0;font-weight:bold;" + self._text(16, colour=p, line="1.35"),
            "image": "display:block;width:100%;height:auto;border:0;outline:none;",
            "caption": "margin:8px 0 0;font-style:italic;" + self._text(13, colour=s, line="1.4"),
            "column_left": "padding:0 12px 0 0;",
            "column_right": "padding:0 0 0 12px;",
            "quote_cell": f"padding:16px 0;border-top:3px solid {a};border-bottom:1px solid {a};",
            "quote": "margin:0;font-style:italic;" + self._text(21, colour=p, line="1.4"),
            "cite": (
                "margin:10px 0 0;letter-spacing:1px;text-transform:uppercase;"
                + self._text(12, colour=s, line="1.4")
            ),
            "table": "width:100%;border-collapse:collapse;" + self._text(14, line="1.45"),
            "th": (
                f"padding:8px 10px 8px 0;border-bottom:2px solid {p};text-align:left;"
                f"font-weight:bold;color:{p};"
            ),
            "td": f"padding:8px 10px 8px 0;border-bottom:1px solid {RULE};text-align:left;",
            "button_cell": f"padding:13px 28px;border-radius:4px;background-color:{p};",
            "button": (
                "display:inline-block;font-weight:bold;text-decoration:none;"
                + self._text(16, colour=self.on_primary, line="1.2")
            ),
            "button_text": "margin:0;font-weight:bold;" + self._text(16, colour=p, line="1.4"),
            "footer_cell": (
                f"padding:20px 24px 22px;background-color:{PANEL};border-top:3px solid {p};"
                + self._text(14, line="1.5")
            ),
            "footer_label": (
                "margin:0 0 8px;letter-spacing:1.2px;text-transform:uppercase;font-weight:bold;"
                + self._text(12, colour=p, line="1.4")
            ),
            "legal_cell": "padding:16px 24px 0;text-align:center;"
            + self._text(12, colour=MUTED, line="1.5"),
            "legal_link": f"color:{MUTED};text-decoration:underline;",
        }
        return {name: mark_safe(css) for name, css in styles.items()}  # noqa: S308

    def markdown_styles(self, size: int) -> dict[str, str]:
        """Inline styles of rich text set at ``size`` px (for ``markdown_html(styles=…)``)."""
        p, a = self.primary, self.accent
        block = f"margin:0 0 14px;{self._text(size)}"
        cell = f"padding:6px 10px 6px 0;text-align:left;font-family:{self.font};"
        return {
            "p": block,
            "ul": f"padding:0 0 0 24px;{block}",
            "ol": f"padding:0 0 0 24px;{block}",
            "li": "margin:0 0 6px;",
            "h2": "margin:18px 0 8px;font-weight:bold;"
            + self._text(size + 6, colour=p, line="1.3"),
            "h3": "margin:16px 0 6px;font-weight:bold;"
            + self._text(size + 3, colour=p, line="1.3"),
            "h4": "margin:14px 0 6px;font-weight:bold;"
            + self._text(size + 1, colour=p, line="1.35"),
            "a": f"color:{p};text-decoration:underline;",
            "blockquote": f"margin:0 0 14px;padding:0 0 0 14px;border-left:3px solid {a};",
            "pre": (
                f"margin:0 0 14px;padding:12px;background-color:{PANEL};font-family:{MONO};"
                "font-size:13px;line-height:1.5;white-space:pre-wrap;"
            ),
            "code": f"font-family:{MONO};font-size:0.9em;",
            "hr": f"margin:20px 0;border:0;border-top:1px solid {RULE};",
            "table": "width:100%;margin:0 0 14px;border-collapse:collapse;"
            + self._text(14, line="1.45"),
            "th": f"{cell}border-bottom:2px solid {p};font-weight:bold;color:{p};",
            "td": f"{cell}border-bottom:1px solid {RULE};",
        }
