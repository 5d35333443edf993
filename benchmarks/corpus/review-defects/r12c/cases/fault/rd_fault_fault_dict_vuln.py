from oslo_log import log as logging

from cinder.api.openstack import wsgi

LOG = logging.getLogger(__name__)


class BackupRestoreController(wsgi.Controller):
    def restore(self, req, id, body):
        context = req.environ["cinder.context"]
        try:
            return self.backup_api.restore(context, id, body.get("volume_id"))
        except Exception as err:
            return {"computeFault": {"code": 500, "message": "%s" % err}}
