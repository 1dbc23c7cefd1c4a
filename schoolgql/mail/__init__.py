"""Mail: messages built safely, sent by Celery tasks after their transaction commits."""
