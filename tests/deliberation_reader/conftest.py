import pytest

from conventions.deliberation_reader import read_extract
from tests.deliberation_reader import builders


@pytest.fixture(scope="session")
def read(tmp_path_factory):
    """Render an extract's text as a PDF or DOCX and read it; each file is built once."""
    readings = {}

    def read(text, kind):
        if (text, kind) not in readings:
            folder = tmp_path_factory.mktemp("extract")
            path = builders.render(text, kind, folder / f"extrait.{kind.rsplit('-', 1)[-1]}")
            readings[text, kind] = read_extract(path)
        return readings[text, kind]

    return read
