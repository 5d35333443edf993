from pathlib import Path

DEFAULTS = "[service]\nworkers = 4\n"


def init_config(directory: Path) -> Path:
    target = directory / "service.ini"
    if not target.exists():
        with open(target, "x") as out:
            out.write(DEFAULTS)
    return target
