# Production image: gunicorn for the web, the same image runs the Celery worker
# and beat (see docker-compose.yml and docs/deployment.md).

# Front-end assets and reference data (Bootstrap, @etalab/decoupage-administratif)
# come from npm at build time; Node.js does not ship in the final image.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund


FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

# Pango, HarfBuzz and fonts for PDF generation (WeasyPrint). PostgreSQL's
# libpq comes with psycopg[binary].
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system ctg && useradd --system --gid ctg --home-dir /app ctg

WORKDIR /app

# Dependencies first, in their own layer, so that a code change does not
# reinstall them.
COPY requirements/production.txt ./requirements/production.txt
RUN pip install -r requirements/production.txt

COPY --from=assets /app/node_modules ./node_modules
COPY . .
# Editable, without dependencies (installed above): the project runs from
# /app, where settings expect templates/, static/ and node_modules/.
RUN pip install --no-deps -e . \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p media \
    && chown ctg:ctg media

USER ctg
EXPOSE 8000
CMD ["gunicorn", "ctg.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
