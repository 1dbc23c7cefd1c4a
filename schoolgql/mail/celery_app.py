"""The Celery application that carries mail tasks from the API to the worker."""

from celery import Celery
from kombu import Queue

from schoolgql.settings import Settings


class SchoolCelery(Celery):
    """A Celery app that keeps the settings it was built from, for its tasks."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            "schoolgql",
            broker=settings.celery_broker_url,
            backend=settings.celery_result_backend or None,
            include=["schoolgql.mail.tasks"],
        )
        self.settings = settings
        self.conf.update(
            task_serializer="json",
            accept_content=["json"],
            result_serializer="json",
            task_ignore_result=not settings.celery_result_backend,
            task_default_queue=settings.celery_queue,
            task_queues=[Queue(settings.celery_queue, durable=True)],
            # Acknowledge after the task ran, so a worker that dies mid-task
            # leaves the message for another worker. If the first run had
            # delivered, the idempotency key makes the second send nothing.
            task_acks_late=True,
            task_reject_on_worker_lost=True,
            worker_prefetch_multiplier=1,
            broker_connection_retry_on_startup=True,
            enable_utc=True,
        )


def create_celery_app(settings: Settings) -> SchoolCelery:
    return SchoolCelery(settings)
