from starlette.responses import JSONResponse


async def rename(request):
    body = await request.json()
    name = body['name']
    return JSONResponse({'name': name})
