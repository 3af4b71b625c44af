# hubspot-stream worker image. Not built on the development machines (no Docker engine there);
# the same locked dependency set as `make test` (requirements.lock).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY stream ./stream
COPY topics ./topics
COPY config ./config
RUN pip install --no-cache-dir --no-deps . && useradd --uid 10001 stream
USER stream
EXPOSE 6066
ENTRYPOINT ["hubspot-stream"]
CMD ["worker", "--config", "/etc/hubspot-stream/destination.yaml"]
