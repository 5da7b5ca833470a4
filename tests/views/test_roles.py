"""What each role sees and cannot reach, through the real entry point (AppTest): the page list, the Data
page's import and audit sections, the sign-in form with its lock-out, the Accounts page, forbidden units
asked for by address, and hostile query strings."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from access import accounts, audit
from access.scope import ADMIN, CLI_ADMIN
from content import source
from i18n import t
from i18n.markup import md
from tests.views.conftest import new_app, signed_in

PASSWORD = "mật-khẩu-thử-nghiệm-1"


def texts(elements) -> list[str]:  # noqa: ANN001
    return [e.value for e in elements]


def signed_as(app: AppTest, name: str) -> bool:
    """Whether the sidebar says `name` is signed in (the name is markdown-escaped there)."""
    return any(t("auth.signed_in_as", lang, user=md(name), role="")[:12] in c and md(name) in c
               for c in texts(app.caption) for lang in ("vi", "en"))  # fmt: skip


@pytest.fixture()
def visitor(demo_db_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("SIPAS_DB", str(demo_db_path))
    return new_app(as_admin=False)


def _account(name: str, role: str, provinces: list[str]) -> None:
    if accounts.scope_of(name) is None:
        accounts.add(CLI_ADMIN, name, role, PASSWORD, provinces)
    accounts.unlock(CLI_ADMIN, name)


def _sign_in(app: AppTest, name: str, password: str, lang: str = "vi", **query: str) -> AppTest:
    app.query_params.update({"lang": lang, **query})
    app.run()
    app.switch_page("views/signin.py").run()
    app.text_input(key="auth-name").input(name)
    app.text_input(key="auth-password").input(password)
    app.button[0].click().run()  # the form's submit button
    return app


def test_a_visitor_has_no_import_no_log_and_is_refused_officer_pages(visitor: AppTest) -> None:
    visitor.query_params.update({"lang": "vi", "year": "2024"})
    visitor.run()
    assert not visitor.exception
    visitor.switch_page("views/data_catalogue.py").run()
    assert not visitor.exception and not visitor.file_uploader
    assert t("data.public_note", "vi") in texts(visitor.info)
    assert t("data.audit.title", "vi") not in [h.value for h in visitor.subheader]
    assert not [b for b in visitor.button if b.key and b.key.startswith("data-template")]
    for page in ("views/accounts.py", "views/drivers.py"):  # not in a visitor's navigation
        with pytest.raises(Exception):  # noqa: B017,PT011  (AppTest refuses a page the navigation lacks)
            visitor.switch_page(page).run()


def test_sign_in_through_the_form_then_sign_out(demo_db_path, monkeypatch) -> None:
    monkeypatch.setenv("SIPAS_DB", str(demo_db_path))
    _account("can-bo-hn", "officer", ["P63-01"])
    app = _sign_in(new_app(as_admin=False), "can-bo-hn", PASSWORD, "en", year="2024", unit="P63-01")
    assert not app.exception
    # the visitor's filters survive the sign-in (the page switch after it carries them)
    assert (app.session_state["lang"], app.session_state["year"], app.session_state["unit"]) == (
        "en",
        2024,
        "P63-01",
    )
    assert signed_as(app, "can-bo-hn")  # the sidebar says who is signed in
    app.switch_page("views/data_catalogue.py").run()
    assert app.file_uploader and app.radio(key="data-import-kind").options == [
        t("data.import.kind_microdata", "en")
    ]  # no national import
    app.switch_page("views/drivers.py").run()  # officers have the Drivers page
    assert not app.exception
    app.button(key="auth-signout").click().run()
    assert t("auth.signed_out", "en") in texts(app.info)
    log = audit.read(ADMIN, actor="can-bo-hn")
    assert {"signin", "signout"} <= set(log["action"])


def test_wrong_passwords_lock_the_name_with_the_time_it_lifts(demo_db_path, monkeypatch) -> None:
    monkeypatch.setenv("SIPAS_DB", str(demo_db_path))
    _account("khoa-thu", "officer", ["P63-01"])
    app = new_app(as_admin=False)
    for attempt in range(5):
        _sign_in(app, "khoa-thu", f"sai-{attempt}", "en")
    assert not app.exception
    assert any("locked" in e and "Vietnam time" in e for e in texts(app.error)), texts(app.error)
    _sign_in(app, "khoa-thu", PASSWORD, "en")  # the right password is refused while locked
    assert any("locked" in e for e in texts(app.error)) and not signed_as(app, "khoa-thu")
    accounts.unlock(CLI_ADMIN, "khoa-thu")  # an administrator lifts it
    _sign_in(app, "khoa-thu", PASSWORD, "en")
    assert signed_as(app, "khoa-thu")
    actions = audit.read(ADMIN, actor="khoa-thu")["action"].tolist()
    assert actions.count("signin_failed") == 4 and "signin_locked" in actions and "signin" in actions


@pytest.mark.parametrize("query", [
    {"unit": "' OR 1=1 --", "year": "2024; DROP TABLE respondent"},
    {"lang": "<script>alert(1)</script>", "geo": "../../etc/passwd"},
    {"unit": "x" * 5000, "year": "\ufffd\ufffd"},  # %FF%FE as a browser decodes it
])  # fmt: skip
def test_hostile_query_strings_fall_back_with_a_notice(visitor: AppTest, query: dict) -> None:
    visitor.query_params.update(query)
    visitor.run()
    assert not visitor.exception
    assert any(w.startswith(t("auth.query_invalid", "vi", params="")[:30]) for w in texts(visitor.warning))
    assert visitor.session_state["unit"] == "VN" and visitor.session_state["lang"] == "vi"


def test_a_forbidden_unit_asked_for_by_address_is_not_shown(visitor: AppTest, demo_db_path) -> None:
    units = source.units(source.current_key())
    district = sorted(
        units.loc[(units["level"] == "district") & (units["parent_id"] == "P63-01"), "unit_id"]
    )[0]
    visitor.query_params.update({"lang": "vi", "year": "2024", "unit": "P63-01", "focus": district})
    visitor.run()
    visitor.switch_page("views/profile.py").run()
    assert not visitor.exception
    assert any("Cần đăng nhập" in w for w in texts(visitor.warning))
    assert [h.value for h in visitor.subheader][0] == "Hà Nội"  # the province, not the district
    assert t("profile.below_signin", "vi") in texts(visitor.info)


def test_an_administrator_manages_accounts_and_reads_the_log(app: AppTest) -> None:
    app.query_params.update({"lang": "vi"})
    app.run()
    app.switch_page("views/accounts.py").run()
    assert not app.exception
    app.selectbox(key="accounts-action").set_value("add").run()
    app.text_input(key="accounts-new-name").input("moi-tao").run()
    app.multiselect(key="accounts-provinces").select("P63-01").run()
    app.button(key="accounts-apply").click().run()
    assert not app.exception
    assert any(md("moi-tao") in s for s in texts(app.success)) and app.code  # the password, shown once
    assert accounts.scope_of("moi-tao").provinces == {"P63-01"}
    app.switch_page("views/data_catalogue.py").run()
    assert t("data.audit.title", "vi") in [h.value for h in app.subheader]
    assert any(c.startswith("Kiểm tra toàn vẹn:") and "chuỗi băm khớp" in c for c in texts(app.caption))
    log = next(d.value for d in app.dataframe if t("data.audit.col_action", "vi") in d.value.columns)
    assert t("data.audit.action.account_add", "vi") in set(log[t("data.audit.col_action", "vi")])


def test_an_officer_cannot_open_the_accounts_page(demo_db_path, monkeypatch) -> None:
    monkeypatch.setenv("SIPAS_DB", str(demo_db_path))
    app = signed_in(new_app(as_admin=False), "can-bo-2", "officer", ("P63-02",))
    app.run()
    with pytest.raises(Exception):  # noqa: B017,PT011
        app.switch_page("views/accounts.py").run()


def test_idle_sessions_and_disabled_accounts_are_signed_out(demo_db_path, monkeypatch) -> None:
    import datetime as dt  # noqa: PLC0415

    from ui import auth  # noqa: PLC0415

    monkeypatch.setenv("SIPAS_DB", str(demo_db_path))
    app = signed_in(new_app(as_admin=False), "ngu-quen", "officer", ("P63-01",))
    app.query_params.update({"lang": "vi"})
    app.run()
    assert signed_as(app, "ngu-quen")
    app.session_state[auth.LAST_SEEN] = auth._now() - dt.timedelta(minutes=31)  # 30 minutes idle by default
    app.run()
    assert t("auth.expired_idle", "vi") in texts(app.info) and not signed_as(app, "ngu-quen")
    assert "session_expired" in audit.read(ADMIN, actor="ngu-quen")["action"].tolist()

    app = signed_in(new_app(as_admin=False), "ngu-quen", "officer", ("P63-01",))
    app.run()
    accounts.set_disabled(CLI_ADMIN, "ngu-quen", True)  # an administrator disables the account meanwhile
    app.session_state[auth.CHECKED_AT] = auth._now() - dt.timedelta(
        minutes=2
    )  # rights are re-read each minute
    app.run()
    assert t("auth.expired_account", "vi") in texts(app.info)
    accounts.set_disabled(CLI_ADMIN, "ngu-quen", False)


def test_with_an_identity_provider_the_sign_in_page_offers_it(visitor: AppTest) -> None:
    """[auth] in secrets: Streamlit's st.login button replaces the password form."""
    visitor.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "sipas", "client_secret": "s",
        "server_metadata_url": "https://sso.example/.well-known/openid-configuration",
    }  # fmt: skip
    visitor.query_params.update({"lang": "vi"})
    visitor.run()
    visitor.switch_page("views/signin.py").run()
    assert not visitor.exception
    assert [b.label for b in visitor.button if b.key == "auth-oidc-default"] == [t("auth.oidc_button", "vi")]
    assert not [w for w in visitor.text_input if w.key in ("auth-name", "auth-password")]
