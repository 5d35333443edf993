class ShareController:
    def __init__(self, api):
        self.api = api

    def create(self, req, body):
        req.context.can('share:create')
        return self.api.create(req.context, body)

    def delete(self, req, id):
        req.context.can('share:delete')
        return self.api.delete(req.context, id)

    def update_extend(self, req, id, body):
        req.context.can('share:extend')
        return self.api.extend(req.context, id, body)
