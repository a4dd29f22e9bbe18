"""Particles agree with the word before them (issue 12 §3): 박원연 실장을, 지방인사제도과로."""

import pytest
from django.template import Context, Template
from django.utils import translation

from core.korean import particle, with_particle


@pytest.mark.parametrize(("word", "form", "expected"), [
    ("박원연 실장", "을", "박원연 실장을"),
    ("김하나 주무관", "을", "김하나 주무관을"),
    ("지방인사제도과", "(으)로", "지방인사제도과로"),
    ("서울", "(으)로", "서울로"),          # ㄹ takes 로
    ("인사혁신처", "으로", "인사혁신처로"),
    ("행정안전부", "로", "행정안전부로"),
    ("총무팀", "(으)로", "총무팀으로"),
    ("보고서", "을(를)", "보고서를"),
    ("결재선", "이(가)", "결재선이"),
    ("과장", "가", "과장이"),
    ("팀장", "은(는)", "팀장은"),
    ("비서", "은", "비서는"),
    ("인사과", "와", "인사과와"),
    ("「연간 계획」", "을", "「연간 계획」을"),   # closing marks are silent
    ("'기획'", "이", "'기획'이"),
])
def test_particle_follows_the_last_hangul_syllable(word: str, form: str, expected: str) -> None:
    with translation.override("ko"):
        assert with_particle(word, form) == expected


@pytest.mark.parametrize(("word", "form", "expected"), [
    ("3", "을", "을"),      # 삼
    ("2", "을", "를"),      # 이
    ("1", "(으)로", "로"),  # 일: ㄹ
    ("6", "(으)로", "으로"),  # 육
    ("10", "이", "이"),     # 십
    ("100", "을", "을"),    # 백
    ("1000", "과", "과"),   # 천
    ("20000", "은", "은"),  # 만
    ("2024", "를", "를"),   # 사
    ("1,000", "을", "을"),  # 천
    ("0", "을", "을"),      # 영
    ("PDF", "을", "를"),    # 에프
    ("HTML", "을", "을"),   # 엘
    ("HTML", "(으)로", "로"),
    ("XLSX", "(으)로", "로"),  # 엑스
    ("R", "(으)로", "로"),   # 알
    ("M", "이", "이"),      # 엠
    ("!", "을", "를"),      # a symbol reads as a vowel ending
])
def test_digits_and_latin_letters_by_their_korean_reading(word: str, form: str,
                                                          expected: str) -> None:
    assert particle(word, form) == expected


def test_unknown_particle_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        particle("과장", "에게")


def test_english_page_gets_the_word_without_a_particle() -> None:
    with translation.override("en"):
        assert with_particle("박원연 실장", "을") == "박원연 실장"


def test_template_filter_adds_the_agreeing_particle_and_escapes() -> None:
    template = Template('{% load korean %}{{ who|josa:"을" }} / {{ unit|josa:"(으)로" }} / '
                        '<b>{{ unit }}</b>{{ unit|josa_only:"이" }}')
    with translation.override("ko"):
        out = template.render(Context({"who": "R&D <팀>", "unit": "지방인사제도과"}))
    assert out == "R&amp;D &lt;팀&gt;을 / 지방인사제도과로 / <b>지방인사제도과</b>가"
