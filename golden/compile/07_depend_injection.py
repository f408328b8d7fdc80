# Pins: Depend-injected parameters (sync and async providers, several per action, placed before and after ordinary parameters) are dropped from the RRL action signature.
from typing import Annotated

from rappel import Depend, Workflow, action, workflow


class Settings:
    region: str = "eu-west-1"


class Storage:
    async def put(self, key: str, data: str) -> str:
        return f"s3://bucket/{key}"


class Metrics:
    def incr(self, name: str) -> None:
        return None


def get_settings() -> Settings:
    return Settings()


async def get_storage() -> Storage:
    return Storage()


def get_metrics() -> Metrics:
    return Metrics()


@action
async def render_invoice(
    settings: Annotated[Settings, Depend(get_settings)],
    invoice_id: str,
    currency: str = "EUR",
) -> str:
    return f"<invoice {invoice_id} {currency} {settings.region}>"


@action
async def upload_invoice(
    invoice_id: str,
    html: str,
    storage: Annotated[Storage, Depend(get_storage)],
    metrics: Annotated[Metrics, Depend(get_metrics)],
) -> str:
    metrics.incr("invoice.uploaded")
    return await storage.put(f"invoices/{invoice_id}.html", html)


@workflow
class InvoicePublishWorkflow(Workflow):
    async def run(self, invoice_id: str) -> str:
        html = await render_invoice(invoice_id=invoice_id)
        url = await upload_invoice(invoice_id, html)
        return url
