from oslo_config import cfg

database_opts = [
    cfg.StrOpt('connection', secret=True, help='SQLAlchemy URL of the database.'),
    cfg.IntOpt('timeout', default=30, help='Seconds to wait.'),
]


def register_opts(conf):
    conf.register_opts(database_opts, group='database')
