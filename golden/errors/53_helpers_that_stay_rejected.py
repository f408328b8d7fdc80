# Rejects: helpers the compiler cannot inline — a decorated function, a classmethod, a function defined inside run() that reads a variable of run(), one defined in the branches of an `if`, and a module-level `def` whose body is outside the accepted subset (reported inside it).
import functools

from rappel import Workflow, action, workflow


@action
async def load(key: str) -> list[str]:
    return [key]


def shout(text: str) -> str:
    print(text)
    return text.upper()


@functools.cache
def label(key: str) -> str:
    return key.upper()


class Keys:
    @classmethod
    def clean(cls, key: str) -> str:
        return key.strip()


@workflow
class TreeWorkflow(Workflow):
    async def run(self, key: str, suffix: str) -> list[str]:
        items = await load(key)

        def tagged(item: str) -> str:
            return item + suffix

        if suffix:
            def pick(item: str) -> str:
                return item
        else:
            def pick(item: str) -> str:
                return item.upper()

        first = label(key)
        second = Keys.clean(key)
        return [tagged(i) for i in items] + [first, second, shout(key), pick(key)]
