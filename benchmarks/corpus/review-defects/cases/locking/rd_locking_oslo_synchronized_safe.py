from oslo_concurrency import lockutils


class ResourceTracker:
    def __init__(self):
        self.allocated = 0

    @lockutils.synchronized("compute_resources")
    def claim(self, amount):
        self.allocated += amount

    @lockutils.synchronized("compute_resources")
    def abort(self, amount):
        self.allocated -= amount
