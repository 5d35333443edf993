class VolumeController:
    def __init__(self, api):
        self.api = api

    def create(self, req, body):
        req.context.can('volume:create')
        return self.api.create(req.context, body)

    def delete(self, req, id):
        req.context.can('volume:delete')
        return self.api.delete(req.context, id)

    def update(self, req, id, body):
        req.context.can('volume:update')
        return self.api.update(req.context, id, body)
