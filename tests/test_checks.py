"""The system checks warn when the PDF rendering lacks its system libraries."""

from conventions import checks


def test_no_warning_on_a_machine_set_up_as_the_readme_says():
    assert checks.pdf_rendering_libraries(None) == []


def test_missing_libraries_are_named_with_the_packages_to_install(monkeypatch):
    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    warnings = checks.pdf_rendering_libraries(None)
    assert [w.id for w in warnings] == ["ctg.W001", "ctg.W002"]
    assert all("libharfbuzz-subset0 fonts-liberation" in w.hint for w in warnings)
