# The staffcast service (HTTP API) on the embedded SQLite database, or PostgreSQL through
# STAFFCAST_DATABASE_URL. See docs/service.md.
#
#   docker build -t staffcast .
#   docker run -p 8000:8000 -v staffcast-data:/data staffcast
#   docker run --rm -v staffcast-data:/data staffcast staffcast teams create support
#   docker run --rm -v staffcast-data:/data staffcast staffcast keys create support
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STAFFCAST_DATA_DIR=/data

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin staffcast \
    && mkdir /data && chown staffcast:staffcast /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY forecast ./forecast
COPY scheduler ./scheduler
RUN pip install . && rm -rf /root/.cache
# The sample (for `staffcast demo --host 0.0.0.0`); a few MB.
COPY data/sample ./data/sample

USER staffcast
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["staffcast", "serve", "--host", "0.0.0.0", "--port", "8000"]
