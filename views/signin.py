"""Sign-in (Đăng nhập): lays out `ui.signin_form` (the built-in account form, or the identity provider's
button when one is configured)."""

from __future__ import annotations

from ui import signin_form
from ui.state import current

signin_form.render(current())
