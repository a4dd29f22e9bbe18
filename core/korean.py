"""Korean particles (조사) that agree with the word before them: 박원연 실장을, 지방인사제도과로.

"을(를)" and "(으)로" read like a form letter; a name, a unit or a number is known when the
sentence is built, so the particle can be chosen. The choice depends on the last sound of
the word: the final consonant (받침) of its last Hangul syllable; digits and Latin letters
by their Korean reading (3 → 삼, 10 → 십, L → 엘); "(으)로" takes 로 after ㄹ as after a
vowel (서울로, 지방인사제도과로).

Outside Korean (an English page) the particle is dropped: English messages that receive an
already-particled word would otherwise show "the 실장을".
"""

from django.utils import translation

# Each pair: (after a final consonant, after a vowel). Any form names the pair.
PAIRS: tuple[tuple[str, str], ...] = (
    ("을", "를"), ("이", "가"), ("은", "는"), ("과", "와"), ("으로", "로"),
    ("이나", "나"), ("이라", "라"), ("이랑", "랑"), ("아", "야"), ("이여", "여"),
    ("으로서", "로서"), ("으로써", "로써"), ("이란", "란"), ("이에요", "예요"),
)
_BY_FORM = {form: pair for pair in PAIRS for form in pair}

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # index of ㄹ among the 28 final-consonant slots (0 = none)

# Final consonant of the Korean reading of a digit (0 = none, _RIEUL = ㄹ, other = another).
_DIGIT_FINAL = {"0": 21, "1": _RIEUL, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": _RIEUL,
                "8": _RIEUL, "9": 0}
# Trailing zeros are read as the unit: 십 백 천 만 … 억 … 조.
_ZEROS_FINAL = {1: 17, 2: 1, 3: 4, 4: 4, 5: 4, 6: 4, 7: 4, 8: 1, 9: 1, 10: 1, 11: 1}
# Latin letters as Koreans read them: 엘 (ㄹ), 엠 (ㅁ), 엔 (ㄴ), 알 (ㄹ); the rest end on a vowel.
_LETTER_FINAL = {"l": _RIEUL, "m": 16, "n": 4, "r": _RIEUL}
# Closing marks that do not change the sound: 「보고서」를, '기획'을, (가칭)을.
_SILENT_TAIL = " \t\n'\"’”」』》〉)]}>.…·"


def final_consonant(word: str) -> int | None:
    """Return the final-consonant index (0 = none, 8 = ㄹ) of how ``word`` ends, or None."""
    text = str(word).rstrip(_SILENT_TAIL)
    if not text:
        return None
    last = text[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        return (ord(last) - _HANGUL_FIRST) % 28
    if last.isdigit() and last in _DIGIT_FINAL:
        return _number_final(text)
    if last.isascii() and last.isalpha():
        return _LETTER_FINAL.get(last.lower(), 0)
    return None


def _number_final(text: str) -> int:
    digits = ""
    for char in reversed(text):
        if not char.isdigit() and char != ",":
            break
        digits = char + digits
    digits = digits.replace(",", "").lstrip("0") or "0"
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros == 0 or digits == "0":
        return _DIGIT_FINAL[digits[-1]]
    return _ZEROS_FINAL.get(zeros, 0)  # 조 (10^12) and beyond end on a vowel


def particle(word: str, form: str) -> str:
    """Return the form of the particle ``form`` (any of 을/를, 이/가, (으)로, …) after ``word``."""
    pair = _BY_FORM.get(form.replace("(", "").replace(")", "")) or _BY_FORM.get(form.split("(")[0])
    if pair is None:
        raise ValueError(f"unknown particle {form!r}")
    final = final_consonant(word)
    if final is None:
        return pair[1]  # a symbol: read as if it ended on a vowel
    if pair[0].startswith("으") and final == _RIEUL:
        return pair[1]  # ㄹ takes 로: 서울로, 지방인사제도과로 (과 has no 받침 anyway)
    return pair[0] if final else pair[1]


def with_particle(word: object, form: str) -> str:
    """Return ``word`` followed by the agreeing particle (``박원연 실장`` → ``박원연 실장을``).

    On a non-Korean page the word comes back as it is.
    """
    return f"{word}{particle_here(word, form)}"


def particle_here(word: object, form: str) -> str:
    """Return the agreeing particle on a Korean page, nothing on another language's page."""
    if not (translation.get_language() or "ko").startswith("ko"):
        return ""
    return particle(str(word), form)
