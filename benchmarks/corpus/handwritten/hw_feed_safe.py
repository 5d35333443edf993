from aiohttp import web
from lxml import etree

SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


async def import_feed(request):
    body = await request.read()
    document = etree.fromstring(body, SAFE_PARSER)
    return web.json_response({"items": len(document)})


app = web.Application()
app.router.add_post("/feeds", import_feed)
