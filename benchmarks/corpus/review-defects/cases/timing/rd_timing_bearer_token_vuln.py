import hmac

from aiohttp import web

API_TOKEN = None


async def handler(request):
    auth_token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if auth_token != request.app['api_token']:
        raise web.HTTPUnauthorized()
    return web.json_response({"status": "ok"})
