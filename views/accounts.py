"""Accounts (Tài khoản), administrators only: lays out `ui.account_form` (every account with its role,
provinces and state, and the form that changes them; the command line `python -m data.users` does the
same)."""

from __future__ import annotations

from ui import account_form
from ui.state import current

account_form.render(current())
