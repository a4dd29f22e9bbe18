"""Reading numbers out of query parameters and paths, which anyone can fill with anything."""


def digits_to_int(raw, *, max_digits: int = 18) -> int | None:
    """``raw`` as a whole number when it is ASCII digits only and not too long, else None:
    ``str.isdigit()`` also takes '²' and '٣', which ``int()`` refuses or reads otherwise."""
    text = str(raw)
    if text.isascii() and text.isdigit() and len(text) <= max_digits:
        return int(text)
    return None
