# Runs: the seed example "branching control flows": a loop over a nested attribute path, a condition on a model field, append, and a sync helper.
from pydantic import BaseModel

from rappel import Workflow, action, workflow

INPUT = {"user_id": "u-7"}
EXPECTS = "result"


class Record(BaseModel):
    amount: float
    is_high_value: bool


class Transactions(BaseModel):
    records: list[Record]


class AccountSummary(BaseModel):
    user_id: str
    transactions: Transactions


class Summary(BaseModel):
    user_id: str
    top_spenders: list[float]
    total: float


@action
async def fetch_account_summary(user_id: str) -> AccountSummary:
    records = [Record(amount=1200.0, is_high_value=True), Record(amount=15.5, is_high_value=False)]
    return AccountSummary(user_id=user_id, transactions=Transactions(records=records))


@workflow
class TopSpendersWorkflow(Workflow):
    async def run(self, user_id: str) -> Summary:
        summary = await fetch_account_summary(user_id)
        # loop + non-action helper call
        top_spenders: list[float] = []
        for record in summary.transactions.records:
            if record.is_high_value:
                top_spenders.append(record.amount)
        return Summary(user_id=user_id, top_spenders=top_spenders, total=self.total(top_spenders))

    def total(self, amounts: list[float]) -> float:
        return round(sum(amounts), 2)
