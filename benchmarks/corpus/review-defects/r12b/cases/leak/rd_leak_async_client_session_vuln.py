import aiohttp


async def notify(webhook, event):
    session = aiohttp.ClientSession()
    async with session.post(webhook, json=event) as response:
        return response.status
