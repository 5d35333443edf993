from pathlib import Path

DEFAULTS = "[service]\nworkers = 4\n"


def init_config(directory: Path) -> Path:
    target = directory / "service.ini"
    if not target.exists():
        target.write_text(DEFAULTS)
    return target
