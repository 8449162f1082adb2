import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familjelotsen.settings")
django_application = get_wsgi_application()

from familjelotsen.connection_budget import ConnectionBudget  # noqa: E402 (settings first)

# Never more requests at work than the process's share of PostgreSQL's connections.
application = ConnectionBudget(django_application)
