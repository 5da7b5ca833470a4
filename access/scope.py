"""A viewer's access scope: a role and, for officers, the provinces granted (a plain, hashable value that
content objects are cached by), and the refusal every layer raises."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import t

ROLES = ("public", "officer", "admin")


@dataclass(frozen=True)
class Scope:
    """What a viewer may see: `role` 'public' (no sign-in), 'officer' (the `provinces` granted, as province
    ids 'P63-xx' / 'P34-xx') or 'admin' (everything)."""

    role: str = "public"
    provinces: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {ROLES}")
        if self.role != "officer" and self.provinces:
            object.__setattr__(self, "provinces", frozenset())

    @property
    def is_admin(self) -> bool:
        """Whether the scope is the administrator's (everything)."""
        return self.role == "admin"

    @property
    def is_public(self) -> bool:
        """Whether the scope is a visitor's without sign-in (published level only)."""
        return self.role == "public"


PUBLIC = Scope("public")
ADMIN = Scope("admin")


@dataclass(frozen=True)
class Principal:
    """Who is using the dashboard: an account name (None for a visitor), how they signed in ('password',
    'oidc', 'cli' or None) and their scope."""

    user: str | None
    scope: Scope
    via: str | None = None

    @property
    def actor(self) -> str:
        """The name written in the audit log: the account, or '(public)' for a visitor."""
        return self.user or "(public)"


VISITOR = Principal(None, PUBLIC)
CLI_ADMIN = Principal("cli", ADMIN, "cli")  # command-line tools act as admin (and say so)


class AccessDenied(Exception):
    """A request outside the viewer's scope, refused where data is read or written. Carries the reason in
    both languages (message key `access.denied.<reason>` with its fields)."""

    def __init__(self, reason: str, **fields: object) -> None:
        self.reason = reason
        self.fields = fields
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """The refusal in `lang`."""
        return t(f"access.denied.{self.reason}", lang, **self.fields)

    @property
    def message_vi(self) -> str:
        return self.message("vi")

    @property
    def message_en(self) -> str:
        return self.message("en")
