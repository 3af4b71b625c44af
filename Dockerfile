# hubspot-stream image: the worker (default), and with other arguments any `hubspot-stream`
# command (emulator, topics create, produce-sample, replay). Runtime dependencies only
# (requirements-runtime.lock); runs as uid 10001, which owns the data dir.
# Base: Python 3.11.14 on Debian 12, pinned by version tag and multi-arch index digest.
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    HUBSPOT_STREAM_DATA_DIR=/var/lib/hubspot-stream \
    HUBSPOT_STREAM_WEB_PORT=6066

WORKDIR /src
COPY requirements-runtime.lock ./
RUN pip install --no-cache-dir -r requirements-runtime.lock
COPY pyproject.toml README.md ./
COPY stream ./stream
RUN pip install --no-cache-dir --no-deps . \
    && groupadd --system --gid 10001 stream \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin stream \
    && mkdir -p /var/lib/hubspot-stream \
    && chown 10001:10001 /var/lib/hubspot-stream \
    && rm -rf /src
COPY config/examples /etc/hubspot-stream/examples

USER 10001:10001
WORKDIR /var/lib/hubspot-stream
EXPOSE 6066
# /healthz on the worker's web port; any answer but 2xx (or none) is unhealthy.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('HUBSPOT_STREAM_WEB_PORT', '6066') + '/healthz', timeout=4)"]
ENTRYPOINT ["hubspot-stream"]
CMD ["worker", "--config", "/etc/hubspot-stream/destination.yaml"]
