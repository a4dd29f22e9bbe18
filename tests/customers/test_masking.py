from core.customers.masking import mask_email, mask_name, mask_phone


def test_names_keep_the_first_and_last_character():
    assert [mask_name(n) for n in ("홍길동", "홍길", "남궁민수", "김")] == [
        "홍*동",
        "홍*",
        "남**수",
        "김",
    ]


def test_phones_hide_the_middle_digits():
    assert mask_phone("010-1234-5678") == "010-****-5678"
    assert mask_phone("02-123-4567") == "02-****-4567"
    assert mask_phone("") == ""


def test_emails_keep_two_characters_and_the_domain():
    assert mask_email("hong.gildong@example.com") == "ho***@example.com"
