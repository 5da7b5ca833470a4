"""Streamlit's own words replaced by ours (`ui.chrome`): the catalogue text goes into CSS strings safely."""

from __future__ import annotations

from i18n import t
from ui.chrome import css_string, stylesheet


def test_css_string_cannot_break_out_of_the_string() -> None:
    hostile = 'a" } body { display: none } \\ </style><script>x</script>'
    quoted = css_string(hostile)
    inner = quoted[1:-1]
    assert quoted.startswith('"') and quoted.endswith('"')
    for character in ('"', "}", "{", "\\ ", "<", ">", "\n"):
        assert character not in inner.replace("\\00", "")  # only escapes such as \00007d remain
    assert css_string("Chọn tệp · 200 MB") == '"Chọn tệp · 200 MB"'  # Vietnamese letters stay as they are


def test_stylesheet_carries_the_chosen_language() -> None:
    vi, en = stylesheet("vi", 200), stylesheet("en", 200)
    assert (
        css_string(t("chrome.upload_button", "vi")) in vi
        and css_string(t("chrome.upload_button", "en")) in en
    )
    assert css_string(t("chrome.upload_hint", "vi", mb=200)) in vi
    assert '[data-testid="stElementToolbar"]' in vi  # the English table toolbar is hidden
