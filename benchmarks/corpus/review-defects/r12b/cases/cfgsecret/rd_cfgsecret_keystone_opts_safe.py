from oslo_config import cfg

keystone_opts = [
    cfg.StrOpt('admin_password', secret=True, help='Password of the service user.'),
    cfg.IntOpt('timeout', default=30, help='Seconds to wait.'),
]


def register_opts(conf):
    conf.register_opts(keystone_opts, group='keystone')
