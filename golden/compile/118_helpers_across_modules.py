# Pins: helpers from other modules of the project (the case's own modules, in 118_helpers_across_modules/): a function imported by name, one called through its module (`import … as text`), a function of one module calling another module's, each module's constants kept apart (two `SEPARATOR`s become two consts), and a function named like one of this module getting a name of its own.
from rappel import Workflow, action, workflow

import golden_compile_118_helpers_across_modules.text as text
from golden_compile_118_helpers_across_modules.text import slug

SEPARATOR = " / "


@action
async def load_titles(feed: str) -> list[str]:
    return ["  Hello,   World ", "Rappel 1.0"]


def clean(title: str) -> str:
    return title.strip()


@workflow
class FeedWorkflow(Workflow):
    async def run(self, feed: str) -> str:
        titles = await load_titles(feed=feed)
        slugs = [slug(t) for t in titles]
        return SEPARATOR.join([clean(t) for t in titles]) + text.suffix(len(slugs))
