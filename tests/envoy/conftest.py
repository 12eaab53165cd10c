import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness import Upstream


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.stop()
