"""Sign-in is required everywhere except the API, which authenticates in DRF itself
(sessions or per-agency tokens) and answers 401/403 instead of redirecting."""

from django.contrib.auth.middleware import LoginRequiredMiddleware


class HarmonyLoginRequiredMiddleware(LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
