from oslo_config import cfg

notifier_opts = [
    cfg.StrOpt('api_key', secret=True, help='Key of the notification service.'),
    cfg.IntOpt('timeout', default=30, help='Seconds to wait.'),
]


def register_opts(conf):
    conf.register_opts(notifier_opts, group='notifier')
