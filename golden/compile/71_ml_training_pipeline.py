# Pins: an ML pipeline — prepare data, short hyper-parameter trials fanned out with gather, best trial chosen with max(key=lambda), a long full training run with timeout/retry/backoff, conditional deploy.
import asyncio
from datetime import timedelta

from pydantic import BaseModel

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow

LEARNING_RATES = [0.1, 0.01, 0.001]
MIN_ACCURACY = 0.9


class Dataset(BaseModel):
    uri: str
    rows: int


class TrialResult(BaseModel):
    learning_rate: float
    accuracy: float
    model_uri: str


@action
async def prepare_dataset(source_uri: str) -> Dataset:
    return Dataset(uri=source_uri, rows=25000)


@action
async def train_model(dataset: Dataset, learning_rate: float, epochs: int) -> TrialResult:
    return TrialResult(learning_rate=learning_rate, accuracy=0.9 + learning_rate / 2, model_uri=f"s3://models/lr-{learning_rate}")


@action
async def deploy_model(model_uri: str, stage: str) -> str:
    return "endpoint-1"


@workflow
class TrainAndDeployWorkflow(Workflow):
    async def run(self, source_uri: str, epochs: int = 10) -> dict[str, str]:
        dataset = await prepare_dataset(source_uri)
        if dataset.rows < 1000:
            return {"status": "skipped", "reason": f"only {dataset.rows} rows"}
        trials = await asyncio.gather(*[train_model(dataset, lr, max(1, epochs // 5)) for lr in LEARNING_RATES])
        best_trial = max(trials, key=lambda t: t.accuracy)
        best = await self.run_action(
            train_model(dataset, best_trial.learning_rate, epochs),
            retry=RetryPolicy(attempts=2),
            backoff=BackoffPolicy(base_delay=60),
            timeout=timedelta(hours=6),
        )
        if best.accuracy < MIN_ACCURACY:
            return {"status": "rejected", "reason": f"best accuracy {best.accuracy:.3f}"}
        stage = "production" if best.accuracy >= 0.95 else "canary"
        endpoint = await deploy_model(best.model_uri, stage)
        return {"status": "deployed", "endpoint": endpoint, "stage": stage, "lr": str(best.learning_rate)}
