# Familjelotsen web and worker image: Python 3.11 with Pango for WeasyPrint.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN msgfmt --check-format -o locale/sv/LC_MESSAGES/django.mo locale/sv/LC_MESSAGES/django.po \
 && DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only-not-secret-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \
      DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
      python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 app && mkdir -p /data/private && chown app /data/private
USER app
EXPOSE 8000
CMD ["gunicorn", "familjelotsen.wsgi", "--config", "gunicorn.conf.py"]
