"""The HTTP service (FastAPI): ``create_app(settings)`` builds it; nothing runs at import."""

from api.service.app import create_app

__all__ = ["create_app"]
