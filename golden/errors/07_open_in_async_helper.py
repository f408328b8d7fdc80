# Rejects: open() — file I/O inside an async helper method, two calls below run().
from rappel import Workflow, action, workflow


@action
async def upload_report(body: str) -> str:
    return "s3://reports/1"


@workflow
class ReportUploadWorkflow(Workflow):
    async def run(self, path: str) -> str:
        return await self.upload(path)

    async def upload(self, path: str) -> str:
        body = self.read(path)
        return await upload_report(body)

    def read(self, path: str) -> str:
        return open(path).read()
