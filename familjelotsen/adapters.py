from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by the system administrator; nobody signs up."""

    def is_open_for_signup(self, request) -> bool:
        return False
