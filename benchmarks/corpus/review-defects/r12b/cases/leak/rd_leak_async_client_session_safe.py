import aiohttp


async def notify(webhook, event):
    async with aiohttp.ClientSession() as session:
        async with session.post(webhook, json=event) as response:
            return response.status
