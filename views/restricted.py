"""A page this viewer's role does not have (Accounts, Drivers for a visitor…), reached by its address: lays
out `ui.auth.restricted` (why, and the way to sign in); the page's own content is never built."""

from __future__ import annotations

from ui import auth
from ui.state import current

auth.restricted(current())
