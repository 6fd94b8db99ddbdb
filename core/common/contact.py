"""Contacts the public types (a phone or an email), in one form per person, so that a limit per contact
counts "+86 177 9293 6902", "177-9293-6902" and "17792936902" as the one number they are.

A phone becomes E.164 (``+8617792936902``; numbers without a country code are read as China's, region
``CN``, by ``phonenumbers``); an email is trimmed and lower-cased; anything else loses its spaces and is
lower-cased, so that at least spacing and case do not make a new contact.
"""
from __future__ import annotations

import re

import phonenumbers

REGION = "CN"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SPACES = re.compile(r"\s+")


def phone_e164(value: str | None, region: str = REGION) -> str | None:
    """The phone number in E.164, or None if ``value`` is not a valid phone number."""
    try:
        number = phonenumbers.parse((value or "").strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_contact(value: str | None, region: str = REGION) -> str:
    """One form of a contact: E.164 for a phone, lower case for an email or anything else, no spaces."""
    text = (value or "").strip()
    if _EMAIL.fullmatch(_SPACES.sub("", text)):
        return _SPACES.sub("", text).lower()
    return phone_e164(text, region) or _SPACES.sub("", text).lower()
