import webob.exc
from oslo_log import log as logging

from manila.api.openstack import wsgi

LOG = logging.getLogger(__name__)


class ShareExportController(wsgi.Controller):
    def create(self, req, share_id, body):
        context = req.environ["manila.context"]
        try:
            return self.share_api.export(context, share_id, body["export"])
        except Exception as error:
            raise webob.exc.HTTPInternalServerError(explanation=str(error))
