import threading


class SessionRegistry:
    def __init__(self):
        self._lock = threading.RLock()
        self.sessions = {}

    def register(self, session_id, session):
        with self._lock:
            self.sessions[session_id] = session

    def revoke(self, session_id):
        if session_id in self.sessions:
            del self.sessions[session_id]
