from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorkerMessage(_message.Message):
    __slots__ = ("hello", "results", "heartbeat")
    HELLO_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    hello: Hello
    results: ResultBatch
    heartbeat: Heartbeat
    def __init__(self, hello: _Optional[_Union[Hello, _Mapping]] = ..., results: _Optional[_Union[ResultBatch, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ...) -> None: ...

class RuntimeMessage(_message.Message):
    __slots__ = ("dispatches", "drain")
    DISPATCHES_FIELD_NUMBER: _ClassVar[int]
    DRAIN_FIELD_NUMBER: _ClassVar[int]
    dispatches: DispatchBatch
    drain: Drain
    def __init__(self, dispatches: _Optional[_Union[DispatchBatch, _Mapping]] = ..., drain: _Optional[_Union[Drain, _Mapping]] = ...) -> None: ...

class Hello(_message.Message):
    __slots__ = ("worker_id", "pid", "slots", "user_module", "actions")
    WORKER_ID_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    USER_MODULE_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    worker_id: str
    pid: int
    slots: int
    user_module: str
    actions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, worker_id: _Optional[str] = ..., pid: _Optional[int] = ..., slots: _Optional[int] = ..., user_module: _Optional[str] = ..., actions: _Optional[_Iterable[str]] = ...) -> None: ...

class DispatchBatch(_message.Message):
    __slots__ = ("dispatches",)
    DISPATCHES_FIELD_NUMBER: _ClassVar[int]
    dispatches: _containers.RepeatedCompositeFieldContainer[Dispatch]
    def __init__(self, dispatches: _Optional[_Iterable[_Union[Dispatch, _Mapping]]] = ...) -> None: ...

class Dispatch(_message.Message):
    __slots__ = ("attempt_id", "module", "name", "kwargs", "attempt", "timeout_seconds")
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KWARGS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    attempt_id: str
    module: str
    name: str
    kwargs: bytes
    attempt: int
    timeout_seconds: float
    def __init__(self, attempt_id: _Optional[str] = ..., module: _Optional[str] = ..., name: _Optional[str] = ..., kwargs: _Optional[bytes] = ..., attempt: _Optional[int] = ..., timeout_seconds: _Optional[float] = ...) -> None: ...

class ResultBatch(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[Result]
    def __init__(self, results: _Optional[_Iterable[_Union[Result, _Mapping]]] = ...) -> None: ...

class Result(_message.Message):
    __slots__ = ("attempt_id", "value", "error", "duration_seconds")
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    attempt_id: str
    value: bytes
    error: ActionError
    duration_seconds: float
    def __init__(self, attempt_id: _Optional[str] = ..., value: _Optional[bytes] = ..., error: _Optional[_Union[ActionError, _Mapping]] = ..., duration_seconds: _Optional[float] = ...) -> None: ...

class ActionError(_message.Message):
    __slots__ = ("exception", "traceback")
    EXCEPTION_FIELD_NUMBER: _ClassVar[int]
    TRACEBACK_FIELD_NUMBER: _ClassVar[int]
    exception: bytes
    traceback: str
    def __init__(self, exception: _Optional[bytes] = ..., traceback: _Optional[str] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ("attempt_ids",)
    ATTEMPT_IDS_FIELD_NUMBER: _ClassVar[int]
    attempt_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, attempt_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Drain(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
