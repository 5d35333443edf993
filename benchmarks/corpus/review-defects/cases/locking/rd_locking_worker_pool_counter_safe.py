import threading


class WorkerPool:
    def __init__(self, size):
        self._cond = threading.Condition()
        self.size = size
        self.busy = 0

    def checkout(self):
        with self._cond:
            while self.busy >= self.size:
                self._cond.wait()
            self.busy += 1

    def checkin(self):
        with self._cond:
            self.busy -= 1
            self._cond.notify()
