from django.conf import settings


def site(request):
    """Expose settings the base template needs."""
    return {"EMBEDDED_MODE": settings.EMBEDDED_MODE, "DEBUG": settings.DEBUG}
