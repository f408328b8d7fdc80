"""Text helpers of the project: plain functions, compiled as helpers where a workflow calls them."""

SEPARATOR = "-"
SMALL_WORDS = ("de", "van", "von")


def _words(s: str) -> list[str]:
    return s.split()


def normalize(s: str) -> str:
    return SEPARATOR.join([word.lower() for word in _words(s)])


def initials(s: str) -> str:
    return "".join([word[0].upper() for word in _words(s) if word.lower() not in SMALL_WORDS])
