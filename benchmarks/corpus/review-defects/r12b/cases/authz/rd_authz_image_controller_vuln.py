class ImageActionsController:
    def __init__(self, api):
        self.api = api

    def create(self, req, body):
        req.context.can('image:create')
        return self.api.create(req.context, body)

    def delete(self, req, id):
        req.context.can('image:delete')
        return self.api.delete(req.context, id)

    def update_deactivate(self, req, id, body):
        return self.api.deactivate(req.context, id, body)
