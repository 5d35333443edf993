import threading
import time


class RateLimiter:
    def __init__(self, limit):
        self._lock = threading.Lock()
        self.limit = limit
        self.used = 0
        self.window = time.monotonic()

    def acquire(self):
        with self._lock:
            if self.used >= self.limit:
                return False
            self.used += 1
            return True

    def reset(self):
        self.used = 0
