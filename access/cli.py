"""Accounts from the command line, acting as administrator (``python -m data.users``).

    python -m data.users add NAME --role officer --province P34-01 [--province …] [--name "Full name"]
    python -m data.users add NAME --role admin            (prints a generated password once)
    python -m data.users add EMAIL --role officer --province P34-01 --identity-provider   (no password)
    python -m data.users list | remove NAME | reset NAME | grant NAME P34-01 … | revoke NAME P34-01 …
    python -m data.users unlock NAME | disable NAME | enable NAME
    python -m data.users audit [--limit N] [--csv FILE] [--verify]

Provinces as officers write them: an id (P34-01, P63-01) or a two-digit code (01: the province of that
code on today's 34-province map). A password is generated and printed once unless `--password-stdin` reads
one (at least 10 characters). Messages in Vietnamese (default) or English (`--lang en`); exit 2 on a
refused change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from access import accounts, audit, passwords
from access.scope import CLI_ADMIN
from i18n import t
from i18n.safe_cells import safe_frame
from store import db as dbmod
from store import queries


def _known_provinces() -> set[str] | None:
    """Province ids of the survey database (None when there is none yet: ids are then checked by form)."""
    if not dbmod.db_path().exists():
        return None
    con = dbmod.connect_read_only()
    try:
        return set(queries.units(con, "province")["unit_id"])
    finally:
        con.close()


def _province_ids(values: list[str]) -> list[str]:
    """'01' -> 'P34-01' (today's map); ids kept as written (checked later)."""
    return [f"P34-{v.strip()}" if v.strip().isdigit() and len(v.strip()) == 2 else v for v in values]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data.users", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    common = argparse.ArgumentParser(add_help=False)  # --lang also after the command
    common.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    original = sub.add_parser
    sub.add_parser = lambda *a, **k: original(*a, parents=[common], **k)  # type: ignore[method-assign]
    add = sub.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", choices=("officer", "admin"), required=True)
    add.add_argument("--province", action="append", default=[], help="P34-01, P63-01 or 01 (repeatable)")
    add.add_argument("--name", dest="display_name", default=None, help="full name shown in the app")
    how = add.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    how.add_argument(
        "--identity-provider", action="store_true", help="signs in through the identity provider"
    )
    sub.add_parser("list", help="every account")
    for command, text in (("remove", "delete an account"), ("unlock", "lift a lock-out"),
                          ("disable", "stop an account signing in"), ("enable", "allow it again")):  # fmt: skip
        sub.add_parser(command, help=text).add_argument("name")
    reset = sub.add_parser("reset", help="set a new password")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true")
    for command in ("grant", "revoke"):
        p = sub.add_parser(command, help=f"{command} provinces")
        p.add_argument("name")
        p.add_argument("provinces", nargs="+")
    log = sub.add_parser("audit", help="the audit log")
    log.add_argument("--limit", type=int, default=50)
    log.add_argument("--csv", type=Path, default=None, help="write every row to this CSV file")
    log.add_argument("--verify", action="store_true", help="check the log's hash chain")
    return parser


def _password(from_stdin: bool, lang: str) -> tuple[str, bool]:
    """(password, generated?)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return passwords.generate(), True


def run(args: argparse.Namespace) -> int:
    """Carry out one command (raises AccountError on a refused change)."""
    lang = args.lang
    if args.command == "add":
        password, generated = (
            (None, False) if args.identity_provider else _password(args.password_stdin, lang)
        )
        name = accounts.add(CLI_ADMIN, args.name, args.role, password, _province_ids(args.province),
                            args.display_name, _known_provinces())  # fmt: skip
        print(t("access.cli.added", lang, user=name, role=t(f"access.role.{args.role}", lang)))
        if generated:
            print(t("access.cli.password_once", lang, password=password))
    elif args.command == "list":
        frame = accounts.listing(CLI_ADMIN.scope)
        if frame.empty:
            print(t("access.cli.none", lang))
        for row in frame.itertuples():
            locked = (
                f" · {t('access.cli.locked_until', lang, when=row.locked_until)}"
                if row.locked_until == row.locked_until and row.locked_until is not None
                else ""
            )  # noqa: E501
            off = f" · {t('access.cli.is_disabled', lang)}" if row.disabled else ""
            print(f"{row.username}\t{row.role}\t{row.provinces or '–'}{off}{locked}")
    elif args.command == "remove":
        accounts.remove(CLI_ADMIN, args.name)
        print(t("access.cli.removed", lang, user=accounts.normalise(args.name)))
    elif args.command == "reset":
        password, generated = _password(args.password_stdin, lang)
        accounts.reset(CLI_ADMIN, args.name, password)
        print(t("access.cli.reset", lang, user=accounts.normalise(args.name)))
        if generated:
            print(t("access.cli.password_once", lang, password=password))
    elif args.command in ("grant", "revoke"):
        ids = _province_ids(args.provinces)
        if args.command == "grant":
            accounts.grant(CLI_ADMIN, args.name, ids, _known_provinces())
        else:
            accounts.revoke(CLI_ADMIN, args.name, ids)
        print(
            t(
                f"access.cli.{args.command}ed",
                lang,
                user=accounts.normalise(args.name),
                provinces=", ".join(ids),
            )
        )
    elif args.command == "unlock":
        accounts.unlock(CLI_ADMIN, args.name)
        print(t("access.cli.unlocked", lang, user=accounts.normalise(args.name)))
    elif args.command in ("disable", "enable"):
        accounts.set_disabled(CLI_ADMIN, args.name, args.command == "disable")
        print(t(f"access.cli.{args.command}d", lang, user=accounts.normalise(args.name)))
    elif args.command == "audit":
        if args.verify:
            n, broken = audit.verify(CLI_ADMIN.scope)
            print(
                t(
                    "access.cli.chain_ok" if broken is None else "access.cli.chain_broken",
                    lang,
                    n=n,
                    id=broken,
                )
            )
            return 0 if broken is None else 1
        frame = audit.read(CLI_ADMIN.scope, limit=None if args.csv else args.limit)
        if args.csv:
            safe_frame(frame.drop(columns=["prev_hash"])).to_csv(
                args.csv, index=False
            )  # no cell runs as a formula
            print(t("access.cli.audit_written", lang, n=len(frame), path=str(args.csv)))
        else:
            for row in frame.itertuples():
                print(f"{row.occurred_at}\t{row.actor}\t{row.role}\t{row.action}\t{row.outcome}\t{row.unit_id or ''}\t"
                      f"{row.detail or ''}")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point: say that the command acts as administrator, run, report a refusal with exit 2."""
    args = _parser().parse_args(argv)
    print(t("access.cli.acting", args.lang), file=sys.stderr)
    try:
        return run(args)
    except accounts.AccountError as exc:
        print(t(f"access.account.{exc.code}", args.lang, **exc.fields), file=sys.stderr)
        return 2
