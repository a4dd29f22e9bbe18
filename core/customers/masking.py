"""Masked contact details (개인정보 보호법: show only what the viewer needs): 홍*동,
010-****-5678, ho***@example.com. Pure functions; the unmasked values reach only a case's
handlers and the agency's customer officers (core.customers.selectors.sees_contacts)."""

import re


def mask_name(name: str) -> str:
    """홍길동 → 홍*동, 홍길 → 홍*, 남궁민수 → 남**수."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """010-1234-5678 → 010-****-5678: the middle digits hidden, the last four kept."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    head = digits[:2] if digits.startswith("02") else digits[:3]
    return f"{head}-****-{digits[-4:]}"


def mask_email(email: str) -> str:
    """hong.gildong@example.com → ho***@example.com."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return mask_name(local)
    return f"{local[:2]}***@{domain}"
