# Image for footprint workers, Flower and the CLI (see docker-compose.yml).
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libmariadb-dev gcc ffmpeg espeak-ng \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . /app
RUN bash scripts/bootstrap.sh
ENV PATH="/app/.venv/bin:${PATH}" FOOTPRINT_DATA_DIR=/data
