PUNCTUATION = ",.!?"


def clean(title: str) -> str:
    return "".join([c for c in title.lower() if c not in PUNCTUATION])
