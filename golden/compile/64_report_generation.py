# Pins: report generation — gather of heterogeneous sections into a tuple, formatting with f-string format specs, a markdown body built by joining lines, then render + deliver to recipients in parallel.
import asyncio

from pydantic import BaseModel

from rappel import Workflow, action, workflow


class RevenueStats(BaseModel):
    gross: float
    refunds: float
    growth: float


class Funnel(BaseModel):
    visitors: int
    signups: int
    paid: int


@action
async def revenue_for_month(month: str) -> RevenueStats:
    return RevenueStats(gross=10000.0, refunds=120.0, growth=0.042)


@action
async def funnel_for_month(month: str) -> Funnel:
    return Funnel(visitors=10000, signups=500, paid=40)


@action
async def top_customers(month: str, limit: int) -> list[tuple[str, float]]:
    return [("Acme", 1200.0)]


@action
async def render_pdf(title: str, markdown: str) -> str:
    return "s3://reports/monthly.pdf"


@action
async def email_report(recipient: str, url: str) -> bool:
    return True


@workflow
class MonthlyReportWorkflow(Workflow):
    async def run(self, month: str, recipients: list[str]) -> str:
        revenue, funnel, customers = await asyncio.gather(
            revenue_for_month(month),
            funnel_for_month(month),
            top_customers(month, limit=5),
        )
        net = revenue.gross - revenue.refunds
        conversion = funnel.paid / funnel.signups if funnel.signups else 0.0
        lines = [
            f"# Report for {month}",
            f"Net revenue: {net:,.2f} ({revenue.growth:+.1%} MoM)",
            f"Funnel: {funnel.visitors} -> {funnel.signups} -> {funnel.paid} ({conversion:.1%} paid)",
            "## Top customers",
        ]
        lines.extend([f"{rank}. {name}: {amount:.0f}" for rank, (name, amount) in enumerate(customers, start=1)])
        url = await render_pdf(f"Monthly report {month}", "\n".join(lines))
        delivered = await asyncio.gather(*[email_report(r, url) for r in recipients])
        return f"{url} delivered to {sum(1 for d in delivered if d)}/{len(recipients)}"
