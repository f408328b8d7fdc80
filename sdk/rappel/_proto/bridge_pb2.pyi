from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RegisterWorkflowRequest(_message.Message):
    __slots__ = ("workflow", "rrl")
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    RRL_FIELD_NUMBER: _ClassVar[int]
    workflow: str
    rrl: str
    def __init__(self, workflow: _Optional[str] = ..., rrl: _Optional[str] = ...) -> None: ...

class RegisterWorkflowResponse(_message.Message):
    __slots__ = ("version_id", "ir_hash")
    VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    IR_HASH_FIELD_NUMBER: _ClassVar[int]
    version_id: str
    ir_hash: str
    def __init__(self, version_id: _Optional[str] = ..., ir_hash: _Optional[str] = ...) -> None: ...

class StartWorkflowRequest(_message.Message):
    __slots__ = ("version_id", "arguments", "idempotency_key")
    VERSION_ID_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    version_id: str
    arguments: bytes
    idempotency_key: str
    def __init__(self, version_id: _Optional[str] = ..., arguments: _Optional[bytes] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class StartWorkflowResponse(_message.Message):
    __slots__ = ("instance_id", "existing")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    EXISTING_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    existing: bool
    def __init__(self, instance_id: _Optional[str] = ..., existing: _Optional[bool] = ...) -> None: ...

class StartWorkflowsRequest(_message.Message):
    __slots__ = ("starts",)
    STARTS_FIELD_NUMBER: _ClassVar[int]
    starts: _containers.RepeatedCompositeFieldContainer[StartWorkflowRequest]
    def __init__(self, starts: _Optional[_Iterable[_Union[StartWorkflowRequest, _Mapping]]] = ...) -> None: ...

class StartWorkflowsResponse(_message.Message):
    __slots__ = ("instance_ids", "existing")
    INSTANCE_IDS_FIELD_NUMBER: _ClassVar[int]
    EXISTING_FIELD_NUMBER: _ClassVar[int]
    instance_ids: _containers.RepeatedScalarFieldContainer[str]
    existing: _containers.RepeatedScalarFieldContainer[bool]
    def __init__(self, instance_ids: _Optional[_Iterable[str]] = ..., existing: _Optional[_Iterable[bool]] = ...) -> None: ...

class WaitForResultRequest(_message.Message):
    __slots__ = ("instance_id", "timeout_seconds")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    timeout_seconds: float
    def __init__(self, instance_id: _Optional[str] = ..., timeout_seconds: _Optional[float] = ...) -> None: ...

class WaitForResultsRequest(_message.Message):
    __slots__ = ("instance_ids", "timeout_seconds")
    INSTANCE_IDS_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    instance_ids: _containers.RepeatedScalarFieldContainer[str]
    timeout_seconds: float
    def __init__(self, instance_ids: _Optional[_Iterable[str]] = ..., timeout_seconds: _Optional[float] = ...) -> None: ...

class InstanceStatuses(_message.Message):
    __slots__ = ("statuses",)
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    statuses: _containers.RepeatedCompositeFieldContainer[InstanceStatus]
    def __init__(self, statuses: _Optional[_Iterable[_Union[InstanceStatus, _Mapping]]] = ...) -> None: ...

class GetStatusRequest(_message.Message):
    __slots__ = ("instance_id",)
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    def __init__(self, instance_id: _Optional[str] = ...) -> None: ...

class CancelWorkflowRequest(_message.Message):
    __slots__ = ("instance_id",)
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    def __init__(self, instance_id: _Optional[str] = ...) -> None: ...

class CancelWorkflowResponse(_message.Message):
    __slots__ = ("cancelled", "status")
    CANCELLED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    cancelled: bool
    status: InstanceStatus
    def __init__(self, cancelled: _Optional[bool] = ..., status: _Optional[_Union[InstanceStatus, _Mapping]] = ...) -> None: ...

class InstanceStatus(_message.Message):
    __slots__ = ("instance_id", "state", "value", "exception")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[InstanceStatus.State]
        QUEUED: _ClassVar[InstanceStatus.State]
        RUNNING: _ClassVar[InstanceStatus.State]
        SLEEPING: _ClassVar[InstanceStatus.State]
        COMPLETED: _ClassVar[InstanceStatus.State]
        FAILED: _ClassVar[InstanceStatus.State]
        CANCELLED: _ClassVar[InstanceStatus.State]
    STATE_UNSPECIFIED: InstanceStatus.State
    QUEUED: InstanceStatus.State
    RUNNING: InstanceStatus.State
    SLEEPING: InstanceStatus.State
    COMPLETED: InstanceStatus.State
    FAILED: InstanceStatus.State
    CANCELLED: InstanceStatus.State
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    EXCEPTION_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    state: InstanceStatus.State
    value: bytes
    exception: bytes
    def __init__(self, instance_id: _Optional[str] = ..., state: _Optional[_Union[InstanceStatus.State, str]] = ..., value: _Optional[bytes] = ..., exception: _Optional[bytes] = ...) -> None: ...
