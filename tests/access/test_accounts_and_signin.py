"""Accounts, passwords, sign-in with lock-out and its lifting, the audit rows they write, and the log's hash
chain; on a real access database file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from access import accounts, audit, signin
from access.scope import ADMIN, CLI_ADMIN, PUBLIC, AccessDenied, Principal, Scope

OFFICER = Principal("hn", Scope("officer", frozenset({"P63-01"})), "password")
PASSWORD = "mật-khẩu-đủ-dài-1"


def _actions(actor: str | None = None) -> list[str]:
    return audit.read(ADMIN, actor=actor)["action"].tolist()[::-1]  # oldest first


def test_add_list_grant_revoke_reset_remove(access_db: Path) -> None:
    accounts.add(CLI_ADMIN, " HN ", "officer", PASSWORD, ["P63-01"], "Nguyễn Văn A")
    with pytest.raises(accounts.AccountError) as caught:
        accounts.add(CLI_ADMIN, "hn", "officer", PASSWORD, ["P63-01"])
    assert caught.value.code == "exists"
    for bad, code in ((("x y", "officer", PASSWORD, ["P63-01"]), "bad_name"),
                      (("ok", "officer", PASSWORD, []), "officer_needs_province"),
                      (("ok", "officer", "short", ["P63-01"]), "password_too_short"),
                      (("ok", "officer", PASSWORD, ["P99-01"]), "unknown_province"),
                      (("ok", "public", PASSWORD, []), "bad_role")):  # fmt: skip
        with pytest.raises(accounts.AccountError) as caught:
            accounts.add(CLI_ADMIN, *bad)
        assert caught.value.code == code
    accounts.grant(CLI_ADMIN, "hn", ["P34-01"])
    assert accounts.scope_of("hn") == Scope("officer", frozenset({"P63-01", "P34-01"}))
    accounts.revoke(CLI_ADMIN, "hn", ["P63-01"])
    assert accounts.scope_of("hn").provinces == {"P34-01"}
    listing = accounts.listing(ADMIN)
    assert listing["username"].tolist() == ["hn"] and "password_hash" not in listing.columns
    accounts.reset(CLI_ADMIN, "hn", PASSWORD + "x")
    assert signin.sign_in("hn", PASSWORD + "x").status == "ok"
    accounts.set_disabled(CLI_ADMIN, "hn", True)
    assert accounts.scope_of("hn") is None and signin.sign_in("hn", PASSWORD + "x").status == "disabled"
    accounts.remove(CLI_ADMIN, "hn")
    assert accounts.listing(ADMIN).empty
    assert [a for a in _actions("cli")] == ["account_add", "account_grant", "account_revoke", "account_reset",
                                            "account_disable", "account_remove"]  # fmt: skip


def test_passwords_are_hashed_with_argon2_and_never_stored_in_clear(access_db: Path) -> None:
    accounts.add(CLI_ADMIN, "hn", "officer", PASSWORD, ["P63-01"])
    with duckdb.connect(str(access_db), read_only=True) as con:
        stored = con.execute("SELECT password_hash FROM account").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert PASSWORD.encode() not in access_db.read_bytes()


def test_only_administrators_manage_accounts_or_read_the_log(access_db: Path) -> None:
    for who in (OFFICER, Principal(None, PUBLIC)):
        with pytest.raises(AccessDenied):
            accounts.add(who, "x1", "admin", PASSWORD)
        with pytest.raises(AccessDenied):
            accounts.listing(who.scope)
        with pytest.raises(AccessDenied):
            audit.read(who.scope)


def test_lock_out_after_repeated_failures_and_its_lifting(access_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("SIPAS_SIGNIN_MAX_FAILURES", "3")
    monkeypatch.setenv("SIPAS_SIGNIN_LOCK_MIN", "15")
    accounts.add(CLI_ADMIN, "hn", "officer", PASSWORD, ["P63-01"])
    t0 = dt.datetime(2026, 12, 3, 9, 0, 0)
    first = signin.sign_in("hn", "wrong", now=t0)
    assert (first.status, first.remaining) == ("bad", 2)
    assert signin.sign_in("hn", "wrong", now=t0 + dt.timedelta(seconds=5)).remaining == 1
    locked = signin.sign_in("hn", "wrong", now=t0 + dt.timedelta(seconds=10))
    assert locked.status == "locked" and locked.locked_until == t0 + dt.timedelta(minutes=15, seconds=10)
    # while locked even the right password is refused, and the lock is not extended
    again = signin.sign_in("hn", PASSWORD, now=t0 + dt.timedelta(minutes=5))
    assert again.status == "locked" and again.locked_until == locked.locked_until
    # lifted when its time is over: a new count starts, and the right password works
    ok = signin.sign_in("hn", PASSWORD, now=t0 + dt.timedelta(minutes=16))
    assert ok.status == "ok" and ok.principal.scope == Scope("officer", frozenset({"P63-01"}))
    assert signin.sign_in("hn", "wrong", now=t0 + dt.timedelta(minutes=17)).remaining == 2  # count cleared
    # an administrator lifts a lock early
    for k in range(3):
        signin.sign_in("hn", "wrong", now=t0 + dt.timedelta(minutes=20, seconds=k))
    assert signin.sign_in("hn", PASSWORD, now=t0 + dt.timedelta(minutes=21)).status == "locked"
    accounts.unlock(CLI_ADMIN, "hn")
    assert signin.sign_in("hn", PASSWORD, now=t0 + dt.timedelta(minutes=21)).status == "ok"
    log = audit.read(ADMIN)
    assert set(log["action"]) >= {"signin", "signin_failed", "signin_locked", "account_unlock"}
    assert (log.loc[log["action"] != "signin", "outcome"] != "ok").any()


def test_unknown_names_are_locked_the_same_way(access_db: Path, monkeypatch) -> None:
    """A lock-out does not tell whether an account exists."""
    monkeypatch.setenv("SIPAS_SIGNIN_MAX_FAILURES", "2")
    outcomes = [signin.sign_in("nobody", "x").status for _ in range(3)]
    assert outcomes == ["bad", "locked", "locked"]


@pytest.mark.parametrize("name", ["' OR 1=1 --", "<script>alert(1)</script>", "a" * 300, "ad\x00min", "😀"])
def test_hostile_names_are_just_wrong(access_db: Path, name: str) -> None:
    accounts.add(CLI_ADMIN, "admin", "admin", PASSWORD)
    outcome = signin.sign_in(name, PASSWORD)
    assert outcome.status == "bad" and outcome.principal is None
    assert accounts.listing(ADMIN)["username"].tolist() == ["admin"]


def test_audit_chain_detects_an_edit_made_outside_the_application(access_db: Path) -> None:
    for k in range(4):
        audit.record(OFFICER, "export_table", unit_id="P63-01", year=2024, detail={"file": f"f{k}.csv"})
    assert audit.verify(ADMIN) == (4, None)
    with duckdb.connect(str(access_db)) as con:  # someone with the file edits a row
        con.execute("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2")
    assert audit.verify(ADMIN) == (4, 2)


def test_no_code_changes_or_deletes_audit_rows() -> None:
    """Only appends: no statement anywhere in the application updates, deletes or drops the log."""
    import re  # noqa: PLC0415

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?audit_log"
                         r"|TRUNCATE\s+audit_log)", re.IGNORECASE)  # fmt: skip
    found = [str(p.relative_to(root)) for p in root.rglob("*.py")
             if ".venv" not in p.parts and "tests" not in p.parts and pattern.search(p.read_text(encoding="utf-8"))]  # fmt: skip
    assert found == []
    assert "INSERT INTO audit_log" in (root / "store" / "audit.py").read_text(encoding="utf-8")


def test_identity_provider_users_get_their_accounts_scope_or_the_visitors(access_db: Path) -> None:
    accounts.add(CLI_ADMIN, "can.bo@moha.gov.vn", "officer", None, ["P63-01"])  # no password: provider only
    known = signin.identity_principal("Can.Bo@moha.gov.vn", "sub-1")
    assert known.user == "can.bo@moha.gov.vn" and known.scope.provinces == {"P63-01"} and known.via == "oidc"
    stranger = signin.identity_principal("nguoi.la@example.com", "sub-2")
    assert stranger.scope == PUBLIC and stranger.user == "nguoi.la@example.com"
    assert signin.sign_in("can.bo@moha.gov.vn", "").status == "bad"  # no password sign-in for it
