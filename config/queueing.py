"""Queueing Celery tasks without letting a dead broker undo a saved request.

Every task we queue stands for work that is also recorded in the database (a trial whose
`rescreened_version` lags its criteria, a stale attrition summary, a queued ImportRun), and a
beat sweep queues it again from there. So when Redis is unreachable, sending the message is
skipped with a warning instead of raising: after the commit, raising would turn a request whose
data was saved into a 500, and the sweep will send the work once Redis is back.
"""

from __future__ import annotations

import logging

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What kombu and redis-py raise when the broker cannot be reached. Not every OSError: inline
# (eager) tasks must keep propagating their own errors.
BROKER_UNREACHABLE = (BrokerError, RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def enqueue(task: Task, *args, countdown: int | None = None, **kwargs) -> bool:
    """Sends the task now; returns False (and logs) when the broker is unreachable."""
    try:
        # The same calls as task.delay / task.apply_async(args, countdown=...), so callers and
        # tests see exactly what they saw before this helper existed.
        if countdown is None:
            task.delay(*args, **kwargs)
        elif kwargs:
            task.apply_async(args, kwargs, countdown=countdown)
        else:
            task.apply_async(args, countdown=countdown)
    except BROKER_UNREACHABLE as error:
        # The task name and the error only: arguments are ids today, but a log line is no place
        # to find out they became patient data one day.
        logger.warning(
            "task %s not queued, broker unreachable (%s: %s); its sweep will queue it later",
            task.name,
            type(error).__name__,
            error,
        )
        return False
    return True


def enqueue_on_commit(task: Task, *args, countdown: int | None = None, **kwargs) -> None:
    """Queues the task once the current transaction commits (at once outside one), never
    raising when the broker is down: the caller must have recorded the work durably."""
    transaction.on_commit(lambda: enqueue(task, *args, countdown=countdown, **kwargs))
