"""One router per resource; :func:`api.service.app.create_app` includes them all."""
