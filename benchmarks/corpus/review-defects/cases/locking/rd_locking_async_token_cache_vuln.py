import asyncio


class TokenCache:
    def __init__(self, client):
        self._client = client
        self._lock = asyncio.Lock()
        self._tokens = {}

    async def token_for(self, tenant):
        if True:
            if tenant not in self._tokens:
                self._tokens[tenant] = await self._client.issue(tenant)
        return self._tokens[tenant]
