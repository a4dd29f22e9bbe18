"""allauth adapter: no self sign-up — agencies create their staff's accounts."""

from allauth.account.adapter import DefaultAccountAdapter


class HarmonyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False
