from starlette.responses import JSONResponse


async def rename(request):
    body = await request.json()
    name = body.get('name')
    if not name:
        return JSONResponse({'error': 'name is required'}, status_code=400)
    return JSONResponse({'name': name})
