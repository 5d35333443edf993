from fastapi import FastAPI, HTTPException, UploadFile

app = FastAPI()
LIMIT = 2 * 1024 * 1024


@app.post('/avatars')
async def set_avatar(file: UploadFile):
    content = await file.read(LIMIT + 1)
    if len(content) > LIMIT:
        raise HTTPException(413)
    return {'size': len(content)}
