import rappel
import rappel.testing


def test_public_exports_are_pinned():
    assert sorted(rappel.__all__) == sorted(
        [
            "Workflow",
            "workflow",
            "action",
            "Depend",
            "RetryPolicy",
            "BackoffPolicy",
            "RappelTimeout",
            "ActionNotFound",
            "WorkflowHandle",
            "WorkflowState",
            "WorkflowStatus",
            "RappelError",
            "WorkflowCompileError",
            "WorkflowCancelled",
            "CodecError",
            "ConfigError",
            "current_attempt",
        ]
    )
    for name in rappel.__all__:
        assert getattr(rappel, name).__module__.startswith("rappel")


def test_testing_exports_are_pinned():
    assert sorted(rappel.testing.__all__) == sorted(
        [
            "LocalBackend",
            "VirtualClock",
            "local_backend",
            "override_dependency",
            "record_transcript",
            "run_local",
            "run_native",
            "virtual_clock",
        ]
    )


def test_error_hierarchy():
    assert issubclass(rappel.RappelTimeout, rappel.RappelError)
    assert issubclass(rappel.WorkflowCompileError, rappel.RappelError)
    assert issubclass(rappel.CodecError, rappel.RappelError)
    assert issubclass(rappel.WorkflowCancelled, rappel.RappelError)
    assert issubclass(rappel.RappelError, Exception)


def test_markers_the_compiler_recognises_without_importing_rappel(isolated_registry):
    # rappel_compiler must not import the SDK; it duck-types these two attributes.
    @rappel.action(name="marker_probe")
    async def probe(x: int) -> int:
        return x

    definition = probe.__rappel_action__
    assert (definition.name, definition.module, definition.fn.__name__) == ("marker_probe", __name__, "probe")
    assert type(rappel.Depend(print)).__rappel_depend__ is True
