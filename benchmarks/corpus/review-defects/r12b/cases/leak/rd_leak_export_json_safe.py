import json


def export_inventory(path, hosts):
    with open(path, 'w') as out:
        json.dump({'hosts': hosts}, out, indent=2)
