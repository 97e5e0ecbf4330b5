# Secretary: one image for the web app (gunicorn), the Celery worker and Celery beat.
#   docker build -t secretary .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint's libraries (Pango, HarfBuzz subsetting) and the fonts the PDF templates name
# explicitly, so documents render the same on every host.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app

# Dependencies first (cached while only the code changes), exactly as locked, without dev tools.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project

COPY . .

# The app's bytecode, compiled once here (uv compiled site-packages above): with
# PYTHONDONTWRITEBYTECODE no process writes it, so every web and worker process compiled the
# app's modules again at start, 0.3 to 0.5 s (bench/startup.py, "image").
RUN python -m compileall -q -j 0 -x '/(tests|bench)/' .

ENV STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media \
    CELERY_BEAT_SCHEDULE_FILENAME=/tmp/celerybeat-schedule

# Static files are collected into the image and served by WhiteNoise. The key below only lets
# the settings load for this step; the real one comes from the environment at run time.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home secretary \
    && mkdir -p /app/var/media \
    && chown -R secretary:secretary /app/var

USER secretary
EXPOSE 8000

# Workers per container: WEB_CONCURRENCY (gunicorn reads it). Recycle workers now and then to
# bound memory growth.
CMD ["gunicorn", "secretary.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--max-requests", "1000", "--max-requests-jitter", "100"]
