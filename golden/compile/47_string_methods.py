# Pins: pure str methods — strip/lower/upper/title, split (with and without separator and maxsplit), join, replace, startswith/endswith (including a tuple), find, count, zfill, isdigit.
from rappel import Workflow, action, workflow


@action
async def fetch_raw_contact(contact_id: str) -> str:
    return "  Ada LOVELACE ; ada@EXAMPLE.com ; +44 20 7946 0000  "


@action
async def save_contact(name: str, email: str, phone: str, domain: str) -> bool:
    return True


@workflow
class NormalizeContactWorkflow(Workflow):
    async def run(self, contact_id: str) -> dict[str, str]:
        raw = await fetch_raw_contact(contact_id)
        parts = [p.strip() for p in raw.strip().split(";")]
        name = parts[0].title()
        email = parts[1].lower()
        phone_digits = parts[2].replace(" ", "").replace("+", "")
        local, domain = email.split("@", 1)
        words = name.split()
        initials = "".join([w[0] for w in words]).upper()
        is_corporate = not domain.endswith((".edu", ".org")) and not domain.startswith("gmail")
        at = email.find("@")
        vowels = sum(name.lower().count(v) for v in "aeiou")
        await save_contact(name, email, phone_digits, domain)
        return {
            "name": name,
            "email": email,
            "local": local,
            "phone": phone_digits,
            "phone_ok": str(phone_digits.isdigit()),
            "initials": initials,
            "corporate": str(is_corporate),
            "at": str(at),
            "vowels": str(vowels),
            "padded_id": contact_id.zfill(8),
            "shout": name.upper() + "!",
        }
