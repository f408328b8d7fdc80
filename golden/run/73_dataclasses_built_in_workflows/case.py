# Runs: dataclasses built in the workflow — positional and keyword fields, constant defaults and default_factory, a field assigned, a subclass with its base's fields first, a frozen dataclass (assigning a field fails as in Python; a list inside it still changes, through the variable), `del` of a field that falls back to the class default, repr() with the qualname, equality and hashing; they cross to actions and out as the user's classes.
from dataclasses import dataclass, field

from rappel import Workflow, action, workflow

INPUT = {"names": ["ana", "bo"]}
EXPECTS = "result"


@dataclass
class Contact:
    name: str
    email: str = ""
    tags: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass
class Vip(Contact):
    level: int = 1


@dataclass(frozen=True)
class Batch:
    label: str
    members: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Week:
    year: int
    number: int = 1


@action
async def lookup_email(name: str) -> str:
    return f"{name}@example.com"


@action
async def save(contacts: list[Contact], batch: Batch) -> int:
    return len(contacts) + len(batch.members)


@workflow
class ContactsWorkflow(Workflow):
    async def run(self, names: list[str]) -> tuple:
        contacts = []
        batch = Batch("weekly")
        for name in names:
            email = await lookup_email(name)
            contact = Contact(name, email, note="imported")
            contact.tags = contact.tags + ["new", f"#{len(contacts)}"]
            del contact.note
            contacts.append(contact)
            batch.members.append(name)
        vip = Vip(name="cy", level=3)
        try:
            batch.label = "daily"
        except AttributeError as e:
            frozen = f"{type(e).__name__}: {e}"
        saved = await save(contacts, batch)
        facts = [
            repr(contacts[0]),
            repr(vip),
            frozen,
            contacts[0] == Contact("ana", "ana@example.com", ["new", "#0"]),
            vip == Contact(name="cy"),
            {Week(2024): saved}[Week(2024, 1)],
            batch == Batch("weekly", ["ana", "bo"]),
            contacts[1].note is None,
            isinstance(vip, Contact),
        ]
        return contacts, vip, batch, facts
