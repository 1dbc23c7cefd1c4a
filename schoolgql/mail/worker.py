"""The Celery app built from the environment, for the `celery` command.

`schoolgql worker` starts the worker; this module lets Celery's own
commands reach it, as in `celery --app schoolgql.mail.worker inspect ping`.
"""

from schoolgql.mail.celery_app import create_celery_app
from schoolgql.settings import get_settings

app = create_celery_app(get_settings())
