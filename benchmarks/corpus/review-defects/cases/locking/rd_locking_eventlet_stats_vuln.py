from eventlet import semaphore


class Stats:
    def __init__(self):
        self._sem = semaphore.Semaphore()
        self.requests = 0
        self.errors = 0

    def record(self, failed):
        with self._sem:
            self.requests += 1
            if failed:
                self.errors += 1

    def record_error(self):
        self.errors += 1
