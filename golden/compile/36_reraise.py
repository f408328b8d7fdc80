# Pins: bare `raise` re-raising the active exception after compensating work, in a typed handler and inside a nested if.
from rappel import Workflow, action, workflow


@action
async def start_migration(table: str) -> str:
    return "migration-1"


@action
async def apply_migration(migration_id: str) -> None:
    return None


@action
async def rollback_migration(migration_id: str) -> None:
    return None


@action
async def page_dba(message: str) -> None:
    return None


@workflow
class SchemaMigrationWorkflow(Workflow):
    async def run(self, table: str, critical: bool) -> str:
        migration_id = await start_migration(table)
        try:
            await apply_migration(migration_id)
        except Exception as e:
            await rollback_migration(migration_id)
            if critical:
                await page_dba(f"migration {migration_id} on {table} failed: {e}")
                raise
            return "rolled back"
        return "applied"
