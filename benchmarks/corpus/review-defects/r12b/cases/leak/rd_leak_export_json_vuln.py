import json


def export_inventory(path, hosts):
    out = open(path, 'w')
    json.dump({'hosts': hosts}, out, indent=2)
    out.close()
