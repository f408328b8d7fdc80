"""What the examples of docs/testing.md marked `with quotes` take as given: a
quote model and service, the workflow that fetches a quote, and one that waits
a day before a reminder."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow


class Quote(BaseModel):
    symbol: str
    price: float


class QuoteService:
    """A stand-in for a market-data client."""

    async def get(self, symbol: str) -> Quote:
        return Quote(symbol=symbol, price=101.25)


quotes = QuoteService()


@action
async def latest_price(symbol: str) -> float:
    return (await quotes.get(symbol)).price


@action
async def send_reminder(user_id: str) -> str:
    return f"reminded {user_id}"


@workflow
class QuoteWorkflow(Workflow):
    async def run(self, symbol: str) -> float:
        return await latest_price(symbol)


@workflow
class ReminderWorkflow(Workflow):
    async def run(self, user_id: str) -> str:
        await asyncio.sleep(24 * 60 * 60)
        return await send_reminder(user_id)
