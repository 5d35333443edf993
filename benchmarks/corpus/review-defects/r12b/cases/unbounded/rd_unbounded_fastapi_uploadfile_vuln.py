from fastapi import FastAPI, UploadFile

app = FastAPI()


@app.post('/avatars')
async def set_avatar(file: UploadFile):
    content = await file.read()
    return {'size': len(content)}
