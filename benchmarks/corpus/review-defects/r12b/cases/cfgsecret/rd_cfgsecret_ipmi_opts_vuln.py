from oslo_config import cfg

ipmi_opts = [
    cfg.StrOpt('ipmi_password', help='Password of the BMC.'),
    cfg.IntOpt('timeout', default=30, help='Seconds to wait.'),
]


def register_opts(conf):
    conf.register_opts(ipmi_opts, group='ipmi')
