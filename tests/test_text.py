import pytest

from crawler.extract.text import latin_digits, normalize_line, normalize_text, parse_int

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("علي", "علی"),  # Arabic yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("كتاب", "کتاب"),  # Arabic kaf
        (f"کتاب{ZWNJ}ها", f"کتاب{ZWNJ}ها"),  # ZWNJ is spelling: kept
        (f"می{ZWNJ}{ZWNJ}شود", f"می{ZWNJ}شود"),  # a run of ZWNJ is one
        (f"کتاب {ZWNJ}ها", "کتاب ها"),  # a ZWNJ beside a space joins nothing
        ("شهر\u200bداری", "شهرداری"),  # zero-width space removed
        ("\u200fسلام\u200e", "سلام"),  # bidi marks removed
        ("\ufeffخبر", "خبر"),  # BOM removed
        ("a&amp;b &laquo;x&raquo;", "a&b «x»"),  # entities decoded
        ("  دو\u00a0\u00a0 فاصله\t ", "دو فاصله"),  # whitespace unified
        ("۱۲۳ ١٢٣ 123", "۱۲۳ ١٢٣ 123"),  # digits in text stay as printed
    ],
)
def test_normalize_line(raw, expected):
    assert normalize_line(raw) == expected


def test_normalize_text_keeps_one_paragraph_per_line():
    assert normalize_text("  اول \n\n\n دوم\r\nسوم  ") == "اول\nدوم\nسوم"
    assert normalize_text(None) == ""


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("۴۱۴ بازدید", 414),
        ("١٠٠٣ بازدید", 1003),
        ("1,003", 1003),
        ("۱٬۲۳۴", 1234),
        ("کد خبر : 14491", 14491),
        ("بدون عدد", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_int_reads_all_three_digit_sets(raw, expected):
    assert parse_int(raw) == expected


def test_latin_digits():
    assert latin_digits("۰۱۲۳۴۵۶۷۸۹ ٠١٢٣٤٥٦٧٨٩") == "0123456789 0123456789"
