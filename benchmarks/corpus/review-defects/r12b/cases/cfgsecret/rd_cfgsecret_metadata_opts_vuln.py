from oslo_config import cfg

metadata_opts = [
    cfg.StrOpt('metadata_proxy_shared_secret', help='Secret shared with the metadata proxy.'),
    cfg.IntOpt('timeout', default=30, help='Seconds to wait.'),
]


def register_opts(conf):
    conf.register_opts(metadata_opts, group='metadata')
