"""Rappel: durable background workflows for Python and Postgres.

Workflows are plain async Python, compiled ahead of time to the Rappel Runtime
Language (RRL); actions are the retryable units of work they orchestrate.
"""

from ._actions import action, current_attempt
from ._client import WorkflowHandle, WorkflowState, WorkflowStatus
from ._depend import Depend
from ._errors import (
    ActionNotFound,
    CodecError,
    ConfigError,
    RappelError,
    RappelTimeout,
    WorkflowCancelled,
    WorkflowCompileError,
)
from ._policies import BackoffPolicy, RetryPolicy
from ._workflow import Workflow, workflow

__all__ = [
    "ActionNotFound",
    "BackoffPolicy",
    "CodecError",
    "ConfigError",
    "Depend",
    "RappelError",
    "RappelTimeout",
    "RetryPolicy",
    "Workflow",
    "WorkflowCancelled",
    "WorkflowCompileError",
    "WorkflowHandle",
    "WorkflowState",
    "WorkflowStatus",
    "action",
    "current_attempt",
    "workflow",
]
