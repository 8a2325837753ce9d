"""The RQ worker class of the task tests.

RQ's worker listens on a Redis pub/sub channel for commands (``rq`` CLI: stop a job, shut
down); on leaving, closing that subscription can wait for the listening thread's 60-second
poll, which made every burst run of the tests last up to a minute longer. The tests send no
commands: this worker does not subscribe. Everything else is RQ's ``Worker``.
"""

from rq.worker import Worker


class QuietWorker(Worker):
    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass
