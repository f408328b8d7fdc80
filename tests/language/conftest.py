import pytest
from recording_host import RecordingHost


@pytest.fixture
def host():
    return RecordingHost()
