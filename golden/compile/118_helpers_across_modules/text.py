from golden_compile_118_helpers_across_modules.strings import clean

SEPARATOR = "-"
SEPARATORS = {"slug": "-", "count": ":"}


def slug(title: str) -> str:
    return SEPARATOR.join(clean(title).split())


def suffix(count: int) -> str:
    return f" ({SEPARATORS['count']} {count})"
