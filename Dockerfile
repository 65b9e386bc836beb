# One image for web and workers. In a container, pip resolves torch==2.13.0 to the CUDA build
# from PyPI, which the gpu worker uses and the others run on the CPU. The image runs the
# production settings; SECRET_KEY, DATABASE_URL and REDIS_URL come from the environment at run
# time (docker-compose.yml). ml/encoders.py keeps the Hugging Face libraries offline.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production STATIC_ROOT=/app/static
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Hashed, compressed static files for WhiteNoise. Offline: importing settings starts nothing and
# collectstatic needs no database or Redis. The production settings refuse to load without
# DEBUG=0 and a 50+ character SECRET_KEY; this one exists for this step only (no container runs
# with it). A failing collectstatic fails the build.
RUN DEBUG=0 SECRET_KEY=build-only-key-for-collectstatic-never-used-to-sign-anything \
    python manage.py collectstatic --noinput
EXPOSE 8000
# config/gunicorn.py: 3 processes of 16 threads, the app and the active model loaded once in the
# master (config/wsgi.py) before the workers fork (docker-compose.yml also gives them one torch
# thread each).
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
