# Pins: module-level functions and @staticmethod helpers (called as `self.f(...)`, `Workflow.f(...)` and `OtherClass.f(...)`) become fns like helper methods: they call each other, take defaults and keyword-only parameters, run in comprehensions and conditions, and a function named like a method gets a name of its own.
from rappel import Workflow, action, workflow

DEFAULT_COUNTRY = "US"


@action
async def load_contacts(list_id: str) -> list[dict[str, str]]:
    return [{"name": " Ada Lovelace ", "phone": "+44 20 7946 0000", "country": "GB"}]


@action
async def send_sms(phone: str, text: str) -> bool:
    return True


def normalize(s: str) -> str:
    return " ".join(s.split()).lower()


def digits(phone: str, *, keep_plus: bool = True) -> str:
    kept = [c for c in phone if c.isdigit() or (keep_plus and c == "+")]
    return "".join(kept)


def greeting(name: str, country: str = DEFAULT_COUNTRY) -> str:
    first = normalize(name).split(" ")[0].title()
    if country in ("US", "GB"):
        return f"Hello {first}"
    return f"Hi {first}"


class Phones:
    @staticmethod
    def is_valid(phone: str) -> bool:
        number = digits(phone, keep_plus=False)
        return 8 <= len(number) <= 15


@workflow
class ContactsWorkflow(Workflow):
    async def run(self, list_id: str) -> int:
        contacts = await load_contacts(list_id)
        valid = [c for c in contacts if Phones.is_valid(c["phone"])]
        sent = 0
        for contact in valid:
            text = self.message(contact["name"], contact.get("country", DEFAULT_COUNTRY))
            if await send_sms(digits(contact["phone"]), ContactsWorkflow.signed(text)):
                sent += 1
        return sent

    def message(self, name: str, country: str) -> str:
        return self.normalize(greeting(name, country))

    def normalize(self, text: str) -> str:
        return normalize(text) + "!"

    @staticmethod
    def signed(text: str) -> str:
        return f"{text} (sent by rappel)"
