from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by the system administrator; nobody signs up. (A staff
    member of an organisation with an identity provider gets an account at the first login
    through it: familjelotsen.sso.)"""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_stages(self) -> list[str]:
        # allauth's second-factor step, skipped after a strong login at the identity provider.
        return [
            "familjelotsen.sso.AuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]
