"""Brand kits: the practice's own and each client's (logo, colours, safe font, tagline)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import BrandKit, Client
from clients.services._common import (
    apply_fields,
    invalid,
    require_admin,
    require_staff,
    validated_save,
)
from secretary.audit import activity_record
from secretary.files import RASTER_IMAGES, named_for, sniff
from secretary.models import Membership, Practice

BRAND_FIELDS = (
    "primary_color",
    "secondary_color",
    "accent_color",
    "font",
    "tagline",
    "address_block",
)
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
LOGO_MAX_PIXELS = 4000


def logo_problem(file) -> str | None:
    """Why an uploaded file cannot be a logo, or None. Checks the bytes, not the name."""
    # Pillow is imported by the few paths that read images, not at start-up.
    from PIL import Image, UnidentifiedImageError

    if file.size > LOGO_MAX_BYTES:
        return _("The logo is larger than 2 MB; upload a smaller image.")
    file.seek(0)
    try:
        with Image.open(file) as image:
            image_format, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return _("The logo must be a PNG, JPEG, GIF or WebP image.")
    finally:
        file.seek(0)
    kind = sniff(file)
    if image_format not in LOGO_FORMATS or kind is None or kind.mime not in RASTER_IMAGES:
        return _("The logo must be a PNG, JPEG, GIF or WebP image.")
    if max(size) > LOGO_MAX_PIXELS:
        return _("The logo is larger than %(px)s pixels on a side.") % {"px": LOGO_MAX_PIXELS}
    return None


@transaction.atomic
def brand_kit_save(
    *,
    practice: Practice,
    actor: Membership,
    client: Client | None,
    data: dict,
    logo=None,
    clear_logo: bool = False,
    request=None,
) -> BrandKit:
    """Create or update a brand kit. Secretaries edit clients' kits, admins the practice's."""
    if client is None:
        require_admin(actor)
    else:
        require_staff(actor)
    kit = (
        BrandKit.objects.for_practice(practice).select_for_update().filter(client=client).first()
    ) or BrandKit(practice=practice, client=client)
    data = dict(data)
    for name in ("primary_color", "secondary_color", "accent_color"):
        if isinstance(data.get(name), str):
            data[name] = data[name].strip().lower()
    apply_fields(kit, data, BRAND_FIELDS)
    if logo is not None:
        problem = logo_problem(logo)
        if problem:
            raise invalid({"logo": [problem]})
        # The stored name takes the extension of the bytes, whatever the upload was called.
        logo.name = named_for("logo", sniff(logo))
        kit.logo = logo
    elif clear_logo:
        kit.logo = None
    validated_save(kit)
    activity_record(
        practice=practice,
        actor=actor.user,
        verb="brand.updated",
        target=client if client is not None else kit,
        request=request,
    )
    return kit
