import asyncio


class Deduplicator:
    def __init__(self, store):
        self.store = store
        self.seen = {}
        self.lock = asyncio.Lock()

    async def accept(self, message_id, payload):
        async with self.lock:
            if message_id in self.seen:
                return False
            record = await self.store.save(payload)
            self.seen[message_id] = record
            return True
