"""String literals: decoding escapes, canonical quoting, splitting f-strings.

RRL strings use a small, fixed escape set so that every implementation
(Python here, Rust in the runtime) reads and prints them identically:
`\\\\ \\" \\' \\n \\r \\t \\0 \\xHH \\uHHHH \\UHHHHHHHH`.
"""

from __future__ import annotations

_SIMPLE_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t", "0": "\0"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def decode_string(body: str) -> str:
    """Decode the text between the quotes of a string literal."""
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError("a backslash ends the string")
        kind = body[i + 1]
        if kind in _HEX_ESCAPES:
            width = _HEX_ESCAPES[kind]
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise ValueError(f"`\\{kind}` needs {width} hex digits")
            code = int(digits, 16)
            if 0xD800 <= code <= 0xDFFF:  # not a character: no UTF-8, no value codec carries it
                raise ValueError(f"`\\{kind}{digits}` is a surrogate, not a character")
            if code > 0x10FFFF:
                raise ValueError(f"`\\{kind}{digits}` is past U+10FFFF, the last character")
            out.append(chr(code))
            i += 2 + width
        elif kind in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[kind])
            i += 2
        else:
            raise ValueError(f"unknown escape `\\{kind}`")
    return "".join(out)


def quote_string(value: str, quote: str = '"', escape_both: bool = False) -> str:
    """The canonical literal for `value`: double quotes unless asked otherwise,
    printable characters as they are, the rest escaped. `escape_both` also
    escapes the other quote (for strings nested in an f-string field)."""
    out = [quote]
    for char in value:
        if char == "\\":
            out.append("\\\\")
        elif char == quote or (escape_both and char in "'\""):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02x}")
        elif not char.isprintable():
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    out.append(quote)
    return "".join(out)


_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def split_fstring(body: str) -> list:
    """Split the text of `f"..."` into literal text (decoded) and fields.

    A field is returned as `(expr_text, conversion, spec, offset)` where
    `offset` is the column of `expr_text` within `body`.
    """
    parts: list = []
    literal: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "{" and body.startswith("{{", i):
            literal.append("{")
            i += 2
        elif char == "}" and body.startswith("}}", i):
            literal.append("}")
            i += 2
        elif char == "}":
            raise ValueError("single `}` is not allowed; write `}}`")
        elif char == "{":
            if literal:
                parts.append(decode_string("".join(literal)))
                literal = []
            field, i = _read_field(body, i + 1)
            parts.append(field)
        else:
            literal.append(char)
            if char == "\\" and i + 1 < len(body):
                literal.append(body[i + 1])
                i += 1
            i += 1
    if literal:
        parts.append(decode_string("".join(literal)))
    return parts


def _read_field(body: str, start: int):
    """Read `expr[!c][:spec]}` starting after `{`; return the field and the
    index after its closing brace."""
    depth: list[str] = []
    quote: str | None = None
    i = start
    expr_end = conversion = spec = None
    while i < len(body):
        char = body[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in _BRACKETS:
            depth.append(_BRACKETS[char])
        elif depth and char == depth[-1]:
            depth.pop()
        elif not depth and char == "!" and body[i + 1 : i + 2] in ("r", "s") and body[i + 2 : i + 3] in (":", "}"):
            expr_end = i
            conversion = body[i + 1]
            i += 2
            continue
        elif not depth and char == "!" and body[i + 1 : i + 2] != "=":
            raise ValueError("a conversion must be `!r` or `!s`")
        elif not depth and char in ":}":
            if expr_end is None:
                expr_end = i
            if char == ":":
                close = body.find("}", i)
                if close < 0:
                    raise ValueError("unclosed `{` field")
                spec = body[i + 1 : close]
                if "{" in spec:
                    raise ValueError("nested fields in a format spec are not supported")
                i = close
            text = body[start:expr_end]
            if not text.strip():
                raise ValueError("empty `{}` field")
            return (text, conversion, spec, start), i + 1
        i += 1
    raise ValueError("unclosed `{` field")
