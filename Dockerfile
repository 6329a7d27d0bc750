FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY . .
RUN pip install --no-cache-dir -c requirements.lock -e . \
 && DJANGO_SECRET_KEY=build-only python manage.py compilemessages -v0 \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
RUN useradd --create-home app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
