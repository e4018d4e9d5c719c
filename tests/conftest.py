"""Shared test helpers: build small catalogues from the base fixture and run the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from zjpaoyici.cli import common, load_all
from zjpaoyici.cli.common import app
from zjpaoyici.rules.example_cases import BASE_DIR

load_all()  # the tests run commands through `app` directly, not through `main`

DATA = Path(__file__).parent / "data"
# The small valid catalogue the rule examples are laid over; it ships with the package
# (zjpaoyici/rules/examples/base) because docs/rules.md is generated from those examples.
BASE = BASE_DIR
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The result cache of the test run lives in a temporary directory, never in ~/.cache;
    subprocesses inherit it through the environment."""
    names = ("ZJPAOYICI_CACHE_DIR", "XDG_CONFIG_HOME", "ZJPAOYICI_CACHE_KEY")
    old = {name: os.environ.get(name) for name in names}
    os.environ["ZJPAOYICI_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))  # the cache secret
    os.environ.pop("ZJPAOYICI_CACHE_KEY", None)
    yield
    for name, value in old.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def base_catalogue(tmp_path: Path) -> Path:
    """A copy of the small, valid base catalogue in a temporary directory."""
    root = tmp_path / "cat"
    shutil.copytree(BASE, root)
    return root


@pytest.fixture
def in_dir(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Change the working directory for the rest of the test."""

    def chdir(path: Path) -> None:
        monkeypatch.chdir(path)

    return chdir


class Run:
    """Result of one CLI invocation."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Run]]:
    """Invoke the app in-process (fast); ``cwd`` sets the working directory."""
    monkeypatch.setenv("ZJPAOYICI_LANG", "en")
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def run(*args: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        here = os.getcwd()
        try:
            result = runner.invoke(app, list(args), catch_exceptions=False)
        finally:
            os.chdir(here)  # ``-C DIR`` moves the process, as it does in a real run
            common._QUIET = False  # ``-q`` lasts for the process, as it does in a real run
        return Run(result.exit_code, result.stdout, result.stderr)

    yield run


def run_subprocess(
    *args: str, cwd: Path, timeout: float = 120, env: dict[str, str] | None = None
) -> Run:
    """Invoke ``python -m zjpaoyici`` as a real process."""
    full_env = {**os.environ, "ZJPAOYICI_LANG": "en", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "zjpaoyici", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


# --- a headless Chromium for the HTML pages ----------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRED = os.environ.get("ZJPAOYICI_REQUIRE_BROWSER") == "1"


@pytest.fixture
def browser() -> Any:
    if not (CHROMIUM and CHROMEDRIVER):
        if REQUIRED:
            pytest.fail("chromium and chromedriver are required (ZJPAOYICI_REQUIRE_BROWSER=1)")
        pytest.skip("chromium/chromedriver not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,2000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()
