import time

SEPARATOR = ": "


def stamp(title: str) -> str:
    now = time.time()
    return title + SEPARATR + str(now)
