# meetup-bot: the bot image. Migrations are applied at every start, by the bot itself.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data

RUN groupadd --system --gid 10001 meetup \
    && useradd --system --uid 10001 --gid meetup --home-dir /app --shell /usr/sbin/nologin meetup \
    && mkdir -p /data \
    && chown meetup:meetup /data

WORKDIR /app
# The locked dependencies first, each checked against its hash (scripts/lock refreshes the lock):
# this layer is rebuilt only when the lock changes, not with every change of the code.
COPY requirements.txt ./
RUN pip install --no-compile --require-hashes --no-deps -r requirements.txt
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY cogs ./cogs
COPY config ./config
RUN pip install --no-compile --no-deps .

USER 10001:10001
VOLUME ["/data"]

# The token comes from the environment (docker run -e DISCORD_TOKEN=... or an env file).
ENTRYPOINT ["python", "-m", "bot"]
