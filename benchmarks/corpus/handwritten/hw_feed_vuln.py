from aiohttp import web
from lxml import etree


async def import_feed(request):
    body = await request.read()
    document = etree.fromstring(body)
    return web.json_response({"items": len(document)})


app = web.Application()
app.router.add_post("/feeds", import_feed)
