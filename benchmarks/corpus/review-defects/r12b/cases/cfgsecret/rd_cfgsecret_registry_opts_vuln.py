from oslo_config import cfg

registry_opts = [
    cfg.StrOpt('auth_token', help='Token for the image registry.'),
    cfg.IntOpt('timeout', default=30, help='Seconds to wait.'),
]


def register_opts(conf):
    conf.register_opts(registry_opts, group='registry')
